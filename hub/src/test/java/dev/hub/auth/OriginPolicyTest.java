package dev.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void anEmptyListAllowsEveryOrigin() {
    assertThat(new OriginPolicy(List.of()).allows("https://anything.example")).isTrue();
    assertThat(new OriginPolicy(List.of("*")).allows("https://anything.example"))
        .isTrue();
  }

  @Test
  void aListAllowsOnlyItsOriginsIgnoringCaseAndATrailingSlash() {
    OriginPolicy policy =
        new OriginPolicy(List.of("https://app.example.com/", "http://localhost:3000"));
    assertThat(policy.allows("https://APP.example.com")).isTrue();
    assertThat(policy.allows("http://localhost:3000")).isTrue();
    assertThat(policy.allows("https://app.example.com.evil.net")).isFalse();
    assertThat(policy.allows("http://app.example.com")).isFalse();
    assertThat(policy.allows("null")).isFalse();
  }

  @Test
  void clientsThatSendNoOriginAreNotBrowsersAndPass() {
    assertThat(new OriginPolicy(List.of("https://app.example.com")).allows(null))
        .isTrue();
  }

  @Test
  void anOpenNodeWithoutOriginsAllowsOnlyPagesOfThisMachine() {
    OriginPolicy open = OriginPolicy.forNode(ConfigReader.read(new JsonObject().put("open", true)));
    assertThat(List.of(
            "http://localhost",
            "http://localhost:5173",
            "https://localhost:8443/",
            "http://127.0.0.1:8080",
            "http://[::1]:3000",
            "HTTP://LocalHost:3000"))
        .allMatch(open::allows);
    assertThat(List.of(
            "https://evil.example",
            "http://localhost.evil.example",
            "http://evil.example/localhost",
            "http://localhost@evil.example",
            "http://127.0.0.1.nip.io",
            "http://127.0.0.2",
            "ws://localhost",
            "http://localhost:3000/path",
            "null",
            ""))
        .noneMatch(open::allows);
    assertThat(open.allows(null)).as("no Origin: not a browser").isTrue();
  }

  @Test
  void originsGivenReplaceTheDefaultOfEitherMode() {
    JsonObject listed =
        new JsonObject().put("origins", new JsonArray().add("https://app.example.com"));
    OriginPolicy open = OriginPolicy.forNode(ConfigReader.read(listed.copy().put("open", true)));
    assertThat(open.allows("https://app.example.com")).isTrue();
    assertThat(open.allows("http://localhost:3000")).isFalse();
    OriginPolicy secured = OriginPolicy.forNode(ConfigReader.read(
        new JsonObject().put("jwt", new JsonObject().put("secret", TestTokens.SECRET))));
    assertThat(secured.allows("https://anything.example"))
        .as("a secured node's clients need a token")
        .isTrue();
  }
}
