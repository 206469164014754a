package dev.hub.security;

import static dev.hub.auth.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.hub.auth.TestTokens;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: an Ed25519 (OKP) key without {@code alg} was given HS256, which vertx-auth-jwt cannot
 * use, so a JWKS holding only that key left the node with no key and unsigned tokens got in. Ed25519
 * keys now verify EdDSA tokens (signed here by nimbus with Google Tink) and nothing else.
 */
class Ed25519KeyTest {
  @TempDir
  Path dir;

  private static String admin(OctetKeyPair key, boolean withKid) {
    return TestTokens.eddsa(key, claims("m", b -> b.claim("admin", true)), withKid);
  }

  @Test
  void aJwksEd25519KeyWithoutAlgVerifiesEdDsaTokensOnly() throws Exception {
    OctetKeyPair key = TestTokens.ed25519("e1");
    assertThat(new JsonObject(key.toPublicJWK().toJSONObject()).containsKey("alg"))
        .isFalse();
    Path jwks = TestTokens.write(dir, "jwks.json", TestTokens.jwks(key));
    try (SecuredNode node = SecuredNode.start(new JsonObject().put("jwks", jwks.toString()))) {
      assertThat(node.stats(admin(key, true))).isEqualTo(200);
      assertThat(node.stats(admin(key, false))).isEqualTo(200);
      assertThat(node.stats(admin(TestTokens.ed25519("e1"), true)))
          .as("another key, same kid")
          .isEqualTo(401);
      assertThat(node.stats(
              TestTokens.raw("{\"alg\":\"EdDSA\"}", "{\"sub\":\"m\",\"admin\":true}", "")))
          .as("unsigned")
          .isEqualTo(401);
      String hmacWithPublicKey = TestTokens.hmac(
          JWSAlgorithm.HS256, key.getX().decode(), claims("m", b -> b.claim("admin", true)));
      assertThat(node.stats(hmacWithPublicKey))
          .as("HS256 keyed with the public key")
          .isEqualTo(401);
    }
  }

  @Test
  void anEd25519PemKeyVerifiesEdDsaTokens() throws Exception {
    OctetKeyPair key = TestTokens.ed25519(null);
    Path pem = TestTokens.write(dir, "ed25519.pem", pem(key));
    try (SecuredNode node = SecuredNode.start(new JsonObject().put("publicKey", pem.toString()))) {
      assertThat(node.stats(admin(key, false))).isEqualTo(200);
      assertThat(node.stats(admin(TestTokens.ed25519(null), false)))
          .as("another key")
          .isEqualTo(401);
    }
  }

  /** SubjectPublicKeyInfo of an Ed25519 key (RFC 8410): a fixed 12-byte prefix, then the 32 key bytes. */
  private static String pem(OctetKeyPair key) {
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    der.writeBytes(HexFormat.of().parseHex("302a300506032b6570032100"));
    der.writeBytes(key.getX().decode());
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der.toByteArray())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
