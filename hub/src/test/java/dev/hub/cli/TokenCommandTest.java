package dev.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hub.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code hub.jar token}: what it prints is a token nimbus verifies with the configured secret. */
class TokenCommandTest {
  private static final String SECRET = "token-command-secret-0123456789abcdef";

  @Test
  void mintsAnHs256TokenWithTheRequestedClaims() throws Exception {
    String token = TokenCommand.run(
        List.of(
            "--sub",
            "alice",
            "--channels",
            "room:*, tasks",
            "--publish",
            "room:*",
            "--rpc",
            "orders.*",
            "--broadcast",
            "--ttl",
            "10m",
            "--jwt-issuer",
            "hub-dev"),
        Map.of("HUB_JWT_SECRET", SECRET));
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))))
        .isTrue();
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("HS256");
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getIssuer()).isEqualTo("hub-dev");
    assertThat(claims.getStringListClaim("channels")).containsExactly("room:*", "tasks");
    assertThat(claims.getStringListClaim("publish")).containsExactly("room:*");
    assertThat(claims.getStringListClaim("rpc")).containsExactly("orders.*");
    assertThat(claims.getBooleanClaim("broadcast")).isTrue();
    assertThat(claims.getBooleanClaim("admin")).isFalse();
    Duration left = Duration.between(Instant.now(), claims.getExpirationTime().toInstant());
    assertThat(left).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
  }

  @Test
  void worksEvenWhenTheEnvironmentSaysOpen() throws Exception {
    String token = TokenCommand.run(
        List.of("--sub", "ops", "--admin", "--jwt-secret", SECRET), Map.of("HUB_OPEN", "true"));
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getBooleanClaim("admin"))
        .isTrue();
  }

  @Test
  void needsASubjectAndAnHmacSecret() {
    assertThatThrownBy(() -> TokenCommand.run(List.of("--jwt-secret", SECRET), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--sub");
    assertThatThrownBy(() -> TokenCommand.run(List.of("--sub", "a", "--jwks", "/x.json"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HMAC secret");
    assertThatThrownBy(() -> TokenCommand.run(
            List.of("--sub", "a", "--jwt-secret", SECRET, "--ttl", "soon"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--ttl");
  }

  @Test
  void refusesATtlUnderOneSecondRatherThanMintATokenThatNeverExpires() {
    for (String ttl : List.of("0s", "500ms", "0ms")) {
      assertThatThrownBy(() -> TokenCommand.run(
              List.of("--sub", "a", "--jwt-secret", SECRET, "--ttl", ttl), Map.of()))
          .as("--ttl " + ttl)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("--ttl")
          .hasMessageContaining("at least 1s");
    }
  }

  @Test
  void aOneSecondTtlExpires() throws Exception {
    String token =
        TokenCommand.run(List.of("--sub", "a", "--jwt-secret", SECRET, "--ttl", "1s"), Map.of());
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime()).isNotNull();
  }
}
