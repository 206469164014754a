package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.hub.auth.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: an admin token with no signature, in the shapes a lenient verifier lets through
 * (two segments; {@code alg: none} with or without the trailing dot; a real algorithm with an
 * empty signature). A secured node refuses every one on the HTTP API and on the WebSocket upgrade.
 */
class UnsignedTokenTest {
  @TempDir
  static Path dir;

  private static RSAKey key;
  private static SecuredNode node;

  @BeforeAll
  static void start() throws Exception {
    key = TestTokens.rsa("k1");
    Path jwks = TestTokens.write(dir, "jwks.json", TestTokens.jwks(key));
    node = SecuredNode.start(
        new JsonObject().put("jwks", jwks.toString()).put("secret", TestTokens.SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String admin() {
    return new JsonObject()
        .put("sub", "m")
        .put("admin", true)
        .put("exp", Instant.now().getEpochSecond() + 3600)
        .put("channels", new JsonArray().add("*"))
        .encode();
  }

  @Test
  void theApiLetsInASignedAdminTokenOnly() throws Exception {
    assertThat(node.stats(
            TestTokens.rs256(key, TestTokens.claims("m", b -> b.claim("admin", true)), true)))
        .isEqualTo(200);
    assertThat(node.stats(TestTokens.rs256(key, TestTokens.claims("m"), true)))
        .as("not an admin")
        .isEqualTo(403);
  }

  @Test
  void aTwoSegmentTokenIsRefused() throws Exception {
    String token = TestTokens.raw("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", admin(), "");
    assertThat(node.stats(token)).isEqualTo(401);
    assertThat(node.upgrade(token).status()).isEqualTo(401);
    assertThat(node.upgrade(token).json().getString("message")).contains("unsigned");
  }

  @Test
  void anAlgNoneTokenIsRefusedWithOrWithoutItsTrailingDot() throws Exception {
    for (String token : new String[] {
      TestTokens.raw("{\"alg\":\"none\"}", admin(), "."),
      TestTokens.raw("{\"alg\":\"none\"}", admin(), ""),
      TestTokens.raw("{\"alg\":\"NONE\"}", admin(), ".AAAA"),
      TestTokens.raw("{\"alg\":\"none\",\"kid\":\"k1\"}", admin(), ".")
    }) {
      assertThat(node.stats(token)).as(token).isEqualTo(401);
      assertThat(node.upgrade(token).status()).as(token).isEqualTo(401);
    }
  }

  @Test
  void aRealAlgorithmWithAnEmptySignatureIsRefused() throws Exception {
    for (String alg : new String[] {"RS256", "HS256"}) {
      String token = TestTokens.raw("{\"alg\":\"" + alg + "\",\"kid\":\"k1\"}", admin(), ".");
      assertThat(node.stats(token)).as(alg).isEqualTo(401);
    }
  }
}
