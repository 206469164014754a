package dev.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Secure by default: keys, open mode and the loopback rule, and where each security setting is read from. */
class SecurityConfigTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void refusesToStartWithNeitherKeysNorOpenMode() {
    assertThatThrownBy(() -> ConfigReader.read(new JsonObject()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--jwt-secret")
        .hasMessageContaining("--open");
  }

  @Test
  void startsSecuredWithAnyKeySource() {
    for (String key : List.of("secret", "publicKey", "jwks")) {
      HubConfig config = ConfigReader.read(new JsonObject()
          .put("jwt", new JsonObject().put(key, key.equals("secret") ? SECRET : "/some/file")));
      assertThat(config.node().open()).isFalse();
      assertThat(config.security().auth().hasKeys()).as(key).isTrue();
    }
  }

  @Test
  void openModeStaysOnLoopbackUnlessInsisted() {
    assertThat(ConfigReader.read(new JsonObject().put("open", true)).node().open())
        .isTrue();
    assertThatThrownBy(
            () -> ConfigReader.read(new JsonObject().put("open", true).put("host", "0.0.0.0")))
        .hasMessageContaining("non-loopback")
        .hasMessageContaining("--insecure");
    assertThat(ConfigReader.read(
                new JsonObject().put("open", true).put("host", "0.0.0.0").put("insecure", true))
            .node()
            .open())
        .isTrue();
    assertThat(ConfigReader.read(new JsonObject()
                .put("host", "0.0.0.0")
                .put("jwt", new JsonObject().put("secret", SECRET)))
            .node()
            .host())
        .as("keys: any address")
        .isEqualTo("0.0.0.0");
  }

  @Test
  void refusesOpenModeWithKeysAndShortSecrets() {
    assertThatThrownBy(() -> ConfigReader.read(
            new JsonObject().put("open", true).put("jwt", new JsonObject().put("secret", SECRET))))
        .hasMessageContaining("choose one");
    assertThatThrownBy(() ->
            ConfigReader.read(new JsonObject().put("jwt", new JsonObject().put("secret", "short"))))
        .hasMessageContaining("at least 32");
  }

  @Test
  void tlsNeedsBothFiles() {
    assertThatThrownBy(() -> ConfigReader.read(new JsonObject()
            .put("open", true)
            .put("tls", new JsonObject().put("cert", "cert.pem"))))
        .hasMessageContaining("both");
  }

  @Test
  void readsEverySecuritySettingFromTheFile() {
    HubConfig config = ConfigReader.read(new JsonObject()
        .put(
            "jwt",
            new JsonObject()
                .put("secret", SECRET)
                .put("issuer", "i")
                .put("audience", "a")
                .put("leewaySeconds", 30))
        .put("origins", new JsonArray().add("https://app.example.com"))
        .put("tls", new JsonObject().put("cert", "c.pem").put("key", "k.pem"))
        .put("limits", new JsonObject().put("connectionsPerUser", 3).put("authTimeoutMs", 1500)));
    AuthConfig auth = config.security().auth();
    assertThat(auth.issuer()).isEqualTo("i");
    assertThat(auth.audience()).isEqualTo("a");
    assertThat(auth.leewaySeconds()).isEqualTo(30);
    assertThat(config.security().origins()).containsExactly("https://app.example.com");
    assertThat(config.security().tls().enabled()).isTrue();
    assertThat(config.limits().connectionsPerUser()).isEqualTo(3);
    assertThat(config.limits().authTimeoutMs()).isEqualTo(1500);
  }

  @Test
  void defaultsFollowTheProtocol() {
    HubConfig config = ConfigReader.read(new JsonObject().put("open", true));
    assertThat(config.security().auth().leewaySeconds()).isEqualTo(5);
    assertThat(config.security().origins()).isEmpty();
    assertThat(config.security().tls().enabled()).isFalse();
    assertThat(config.limits().authTimeoutMs()).isEqualTo(5000);
    assertThat(config.limits().connectionsPerUser()).isEqualTo(100);
  }

  @Test
  void flagsWinOverVariablesForEverySecuritySetting() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CommandLine flags = CommandLine.parse(List.of(
          "--jwt-issuer",
          "from-flag",
          "--origins",
          "https://a.example, https://b.example",
          "--tls-cert",
          "c.pem",
          "--tls-key",
          "k.pem"));
      Map<String, String> env = Map.of(
          "HUB_JWT_SECRET",
          SECRET,
          "HUB_JWT_ISSUER",
          "from-env",
          "HUB_JWT_AUDIENCE",
          "aud-env",
          "HUB_JWKS",
          "/keys.json",
          "HUB_JWT_PUBLIC_KEY",
          "/key.pem");
      HubConfig config = ConfigLoader.load(vertx, flags, env).await(10, TimeUnit.SECONDS);
      AuthConfig auth = config.security().auth();
      assertThat(auth.secret()).isEqualTo(SECRET);
      assertThat(auth.issuer()).isEqualTo("from-flag");
      assertThat(auth.audience()).isEqualTo("aud-env");
      assertThat(auth.jwksFile()).isEqualTo("/keys.json");
      assertThat(auth.publicKeyFile()).isEqualTo("/key.pem");
      assertThat(config.security().origins())
          .containsExactly("https://a.example", "https://b.example");
      assertThat(config.security().tls().certFile()).isEqualTo("c.pem");
      assertThat(config.security().tls().keyFile()).isEqualTo("k.pem");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
