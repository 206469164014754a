package dev.hub.security;

import static dev.hub.auth.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.hub.auth.TestTokens;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: a token that names the {@code kid} of one key but is signed by another configured key.
 * The rule (docs/security.md, "Tokens and keys"): a token naming the kid of a JWKS key is checked with that key only; a
 * token naming a kid no key has is checked with the keys without a kid (the HMAC secret, the PEM
 * key, JWKS keys without one); a token without a kid with every key of its algorithm. The node has
 * all three sources: JWKS key {@code k1}, a PEM key and the secret.
 */
class KeyIdConfusionTest {
  @TempDir
  static Path dir;

  private static RSAKey k1;
  private static RSAKey pem;
  private static SecuredNode node;

  @BeforeAll
  static void start() throws Exception {
    k1 = TestTokens.rsa("k1");
    pem = TestTokens.rsa(null);
    node = SecuredNode.start(new JsonObject()
        .put("jwks", TestTokens.write(dir, "jwks.json", TestTokens.jwks(k1)).toString())
        .put(
            "publicKey",
            TestTokens.write(dir, "key.pem", TestTokens.pem(pem.toPublicKey())).toString())
        .put("secret", TestTokens.SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String rs256(RSAKey signer, String kid) {
    RSAKey named = new RSAKey.Builder(signer).keyID(kid).build();
    return TestTokens.rs256(named, claims("m", b -> b.claim("admin", true)), kid != null);
  }

  private static String hs256(String kid) {
    return TestTokens.hmac(
        JWSAlgorithm.HS256,
        TestTokens.SECRET.getBytes(StandardCharsets.UTF_8),
        claims("m", b -> b.claim("admin", true)),
        kid);
  }

  @Test
  void aTokenNamingAConfiguredKidIsCheckedWithThatKeyOnly() throws Exception {
    assertThat(node.stats(rs256(k1, "k1"))).isEqualTo(200);
    assertThat(node.stats(rs256(pem, "k1"))).as("kid k1, signed by the PEM key").isEqualTo(401);
    assertThat(node.stats(hs256("k1"))).as("kid k1, signed with the secret").isEqualTo(401);
    assertThat(node.upgrade(rs256(pem, "k1")).json().getString("message"))
        .contains("bad signature");
  }

  @Test
  void aTokenNamingAnUnknownKidIsCheckedWithTheKeysThatHaveNone() throws Exception {
    assertThat(node.stats(rs256(pem, "rotated-2024"))).isEqualTo(200);
    assertThat(node.stats(hs256("v1"))).isEqualTo(200);
    assertThat(node.stats(rs256(k1, "rotated-2024")))
        .as("a JWKS key answers to its own kid only")
        .isEqualTo(401);
  }

  @Test
  void aTokenWithoutKidIsCheckedWithEveryKeyOfItsAlgorithm() throws Exception {
    assertThat(node.stats(rs256(k1, null))).isEqualTo(200);
    assertThat(node.stats(rs256(pem, null))).isEqualTo(200);
    assertThat(node.stats(hs256(null))).isEqualTo(200);
    assertThat(node.stats(rs256(TestTokens.rsa(null), null)))
        .as("a stranger's key")
        .isEqualTo(401);
  }
}
