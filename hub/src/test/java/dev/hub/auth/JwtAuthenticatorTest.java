package dev.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hub.protocol.HubException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier's own line of defence, tested alone: over a vertx-auth-jwt provider that holds no key
 * (which accepts unsigned tokens), it still refuses every token whose signature was not checked.
 */
class JwtAuthenticatorTest {
  private static final String ADMIN = new JsonObject()
      .put("sub", "m")
      .put("admin", true)
      .put("exp", Instant.now().getEpochSecond() + 3600)
      .encode();
  private static final List<String> UNSIGNED = List.of(
      TestTokens.raw("{\"alg\":\"RS256\"}", ADMIN, ""),
      TestTokens.raw("{\"alg\":\"RS256\"}", ADMIN, "."),
      TestTokens.raw("{\"alg\":\"none\"}", ADMIN, "."),
      TestTokens.raw("{\"alg\":\"none\"}", ADMIN, ""),
      TestTokens.raw("{\"alg\":\"None\"}", ADMIN, ".c2ln"));

  private final Vertx vertx = Vertx.vertx();
  private final JWTAuth keyless = JWTAuth.create(vertx, new JWTAuthOptions());

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void vertxAuthJwtWithoutKeysAcceptsAnUnsignedAdminToken() throws Exception {
    // Why the verifier cannot rely on the provider alone.
    User user =
        keyless.authenticate(new TokenCredentials(UNSIGNED.get(0))).await(10, TimeUnit.SECONDS);
    assertThat(user.principal().getBoolean("admin")).isTrue();
  }

  @Test
  void aVerifierOverAProviderWithoutKeysRefusesEveryUnsignedToken() {
    JwtAuthenticator verifier =
        new JwtAuthenticator(keyless, keyless, Set.of("RS256", "none"), Set.of(), 0);
    for (String token : UNSIGNED) {
      Throwable refused =
          catchThrowable(() -> verifier.authenticate(token, null).await(10, TimeUnit.SECONDS));
      assertThat(refused).as(token).isInstanceOf(HubException.class);
      assertThat(refused.getMessage()).as(token).contains("unsigned tokens are not accepted");
    }
  }

  @Test
  void aVerifierRefusesAnAlgorithmItHasNoKeyFor() {
    JwtAuthenticator verifier =
        new JwtAuthenticator(keyless, keyless, Set.of("RS256"), Set.of(), 0);
    String token = TestTokens.raw("{\"alg\":\"HS256\"}", ADMIN, ".c2ln");
    Throwable refused =
        catchThrowable(() -> verifier.authenticate(token, null).await(10, TimeUnit.SECONDS));
    assertThat(refused)
        .isInstanceOf(HubException.class)
        .hasMessageContaining("no key for its algorithm");
  }
}
