package dev.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void anEmptyListAllowsEveryOrigin() {
    assertThat(new OriginPolicy(List.of()).allows("https://anything.example")).isTrue();
    assertThat(new OriginPolicy(List.of("*")).allows("https://anything.example")).isTrue();
  }

  @Test
  void aListAllowsOnlyItsOriginsIgnoringCaseAndATrailingSlash() {
    OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com/", "http://localhost:3000"));
    assertThat(policy.allows("https://APP.example.com")).isTrue();
    assertThat(policy.allows("http://localhost:3000")).isTrue();
    assertThat(policy.allows("https://app.example.com.evil.net")).isFalse();
    assertThat(policy.allows("http://app.example.com")).isFalse();
    assertThat(policy.allows("null")).isFalse();
  }

  @Test
  void clientsThatSendNoOriginAreNotBrowsersAndPass() {
    assertThat(new OriginPolicy(List.of("https://app.example.com")).allows(null)).isTrue();
  }
}
