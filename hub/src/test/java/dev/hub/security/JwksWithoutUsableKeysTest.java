package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.hub.auth.TestTokens;
import dev.hub.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The attack: a JWKS file whose keys vertx-auth-jwt cannot use leaves it with no key at all, and
 * a provider with no key skips signatures, so anyone could send {@code {"admin":true}} unsigned. A
 * node must refuse to start with such a file, and name every key it skipped and why.
 */
class JwksWithoutUsableKeysTest {
  /**
   * An RSA certificate valid only on 2000-01-01, made once with {@code keytool -genkeypair -keyalg RSA
   * -startdate "2000/01/01 00:00:00" -validity 1 -dname CN=hub-expired-test} and exported as DER.
   */
  private static final String EXPIRED_CERTIFICATE =
      "MIIC2TCCAcGgAwIBAgIIDnfLtafwzvwwDQYJKoZIhvcNAQELBQAwGzEZMBcGA1UEAxMQaHViLWV4cGlyZWQtdGVzdDAeFw0w"
          + "MDAxMDEwMDAwMDBaFw0wMDAxMDIwMDAwMDBaMBsxGTAXBgNVBAMTEGh1Yi1leHBpcmVkLXRlc3QwggEiMA0GCSqGSIb3DQEB"
          + "AQUAA4IBDwAwggEKAoIBAQDBoQLlnptbJv2RFUOuvom7i2kvFlDKFF1V867gkIi4tRdGN+S3EkbfsI0DvkZQPoUaTKevVwos"
          + "CXztMQugUssudA9MrQBqXg/6jQ/t2mVgdUXHA0ufcAdZIURQ1ITGehBR0e20FMig4Mll1175/lQ2ytGw5BaaSXHIeJb2a6cd"
          + "9AVOZCZ2K/svI5Y9usOUDb77AFjPP738g/Qf5NjFSqs19EUaU+9OpxdUjUisp5EKYKpr+ghxHEoemAJ7SJZ8wUNRQOjFcCsb"
          + "D15JDz8yfooysafP384ckLFoPfgO3/l6Bdw/MKrpH0nsdbs22538PfiEC1TjEgoKBdbscBs9is5JAgMBAAGjITAfMB0GA1Ud"
          + "DgQWBBSAGq+IS5mC/p0XF8cHNWsFqt9M2DANBgkqhkiG9w0BAQsFAAOCAQEAmNvo34wDV+P5TU4FM+sB7+A2GdHu4BBj3G4Z"
          + "ACpycyBc8ZCyoOSWrXhP05fi81oysCjDrvyBS1z0SXrrX7b2rbkouPONUWb6N9wE35A0G6WnIZhnMT+JmZPx5/G+ekdO/jt4"
          + "xK5ImwxlXScA58UpPeZg4Kf+xe89+P9T5XRA0iGdekeIjVA/HLjPoglpJ/zWVusPHDxOstWV+QmPVwgU+BasBh1qlm9cU5om"
          + "9OPMwOklBKCwVYTgYDR1iyrk82uBUf18ylmqwbw97GAO4dpRNhS7fUqnaQNoHQZr5gGvRBc2rtDg/HJljvc3QL4om9f9kVXt"
          + "sWlfkgl0TQy0jEZeFQ==";

  @TempDir
  Path dir;

  private static JsonObject publicJson(JWK key) {
    return new JsonObject(key.toPublicJWK().toJSONObject());
  }

  private static JsonObject rsaJson(String kid) {
    return publicJson(TestTokens.rsa(kid));
  }

  /** What starting a node with these JWKS keys fails with; a node that starts is closed and fails the test. */
  private Throwable refusal(JsonObject... keys) {
    Path jwks = TestTokens.write(
        dir,
        "jwks.json",
        new JsonObject().put("keys", new JsonArray(List.of(keys))).encode());
    Throwable refused = catchThrowable(
        () -> SecuredNode.start(new JsonObject().put("jwks", jwks.toString())).close());
    assertThat(refused).as("a node whose JWKS has no usable key must not start").isNotNull();
    return refused;
  }

  @Test
  void theReportedJwksWithoutModulusRefusesToStart() {
    Throwable refused =
        refusal(new JsonObject("{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\"}"));
    assertThat(refused).isInstanceOf(ConfigException.class);
    assertThat(refused.getMessage())
        .contains("no usable key")
        .contains("k1")
        .contains("no public key (n and e, or x5c)");
  }

  static Stream<Arguments> unusableKeys() throws JOSEException {
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("k-weak").generate();
    return Stream.of(
        Arguments.of("an encryption key", rsaJson("k-enc").put("use", "enc"), "use \"enc\""),
        Arguments.of(
            "an unsupported alg", rsaJson("k-alg").put("alg", "RS1"), "unsupported alg RS1"),
        Arguments.of(
            "an alg of another key type",
            rsaJson("k-hs").put("alg", "HS256"),
            "unsupported alg HS256"),
        Arguments.of(
            "an unsupported EC curve",
            publicJson(TestTokens.ec("k-crv")).put("crv", "secp256k1"),
            "unsupported crv secp256k1"),
        Arguments.of(
            "an EC alg that is not its curve's",
            publicJson(TestTokens.ec("k-mismatch")).put("alg", "ES384"),
            "alg ES384 does not match crv P-256"),
        Arguments.of(
            "an X25519 key (key agreement, not signatures)",
            new JsonObject()
                .put("kty", "OKP")
                .put("kid", "k-x25519")
                .put("crv", "X25519")
                .put("x", "AAAA"),
            "unsupported crv X25519"),
        Arguments.of(
            "an Ed448 key",
            new JsonObject()
                .put("kty", "OKP")
                .put("kid", "k-ed448")
                .put("crv", "Ed448")
                .put("x", "AAAA"),
            "unsupported crv Ed448"),
        Arguments.of(
            "an expired x5c certificate",
            new JsonObject()
                .put("kty", "RSA")
                .put("kid", "k-x5c")
                .put("x5c", new JsonArray().add(EXPIRED_CERTIFICATE)),
            "x5c certificate expired"),
        Arguments.of(
            "an EC key with an expired x5c",
            publicJson(TestTokens.ec("k-ec-x5c"))
                .put("x5c", new JsonArray().add(EXPIRED_CERTIFICATE)),
            "x5c certificate expired"),
        Arguments.of("a weak RSA key", publicJson(weak), "1024 bits"),
        Arguments.of(
            "key_ops without verify",
            rsaJson("k-ops").put("key_ops", new JsonArray().add("encrypt")),
            "key_ops"),
        Arguments.of(
            "an unknown key type",
            new JsonObject().put("kty", "RSASSA").put("kid", "k-kty"),
            "unsupported kty RSASSA"),
        Arguments.of(
            "an HMAC key without its value",
            new JsonObject().put("kty", "oct").put("kid", "k-oct"),
            "no key value (k)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableKeys")
  void aJwksWhoseOnlyKeyIsUnusableRefusesToStartAndSaysWhy(
      String what, JsonObject key, String reason) {
    Throwable refused = refusal(key);
    assertThat(refused).isInstanceOf(ConfigException.class);
    assertThat(refused.getMessage()).as(what).contains(key.getString("kid")).contains(reason);
  }

  @Test
  void everySkippedKeyIsNamed() {
    Throwable refused = refusal(
        rsaJson("k-enc").put("use", "enc"),
        new JsonObject("{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\"}"),
        new JsonObject().put("kty", "oct").put("k", "c2VjcmV0").put("alg", "HS1"));
    assertThat(refused.getMessage())
        .contains("k-enc: use \"enc\"")
        .contains("k1: no public key")
        .contains("key 3 (no kid): unsupported alg HS1");
  }

  @Test
  void aJwksWithOneBadAndOneGoodKeyStartsAndVerifiesTheGoodKeysTokens() throws Exception {
    RSAKey good = TestTokens.rsa("k-good");
    Path jwks = TestTokens.write(
        dir,
        "jwks.json",
        new JsonObject()
            .put(
                "keys",
                new JsonArray()
                    .add(new JsonObject("{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\"}"))
                    .add(publicJson(good)))
            .encode());
    Logger keysLog = (Logger) LoggerFactory.getLogger("dev.hub.auth.JwtKeys");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    keysLog.addAppender(logged);
    try (SecuredNode node = SecuredNode.start(new JsonObject().put("jwks", jwks.toString()))) {
      assertThat(logged.list).anySatisfy(event -> {
        assertThat(event.getLevel()).isEqualTo(Level.WARN);
        assertThat(event.getFormattedMessage()).contains("k1").contains("no public key");
      });
      String admin =
          TestTokens.rs256(good, TestTokens.claims("ops", b -> b.claim("admin", true)), true);
      assertThat(node.stats(admin)).isEqualTo(200);
      assertThat(node.upgrade(TestTokens.rs256(good, TestTokens.claims("ann"), false))
              .status())
          .isEqualTo(101);
      RSAKey forged = new RSAKey.Builder(TestTokens.rsa("x")).keyID("k1").build();
      assertThat(node.stats(TestTokens.rs256(
              forged, TestTokens.claims("ops", b -> b.claim("admin", true)), true)))
          .as("a token for the skipped kid")
          .isEqualTo(401);
      String unsigned = TestTokens.raw("{\"alg\":\"RS256\"}", "{\"sub\":\"m\",\"admin\":true}", "");
      assertThat(node.stats(unsigned)).isEqualTo(401);
    } finally {
      keysLog.detachAppender(logged);
    }
  }
}
