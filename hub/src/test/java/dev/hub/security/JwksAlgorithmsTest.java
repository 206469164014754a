package dev.hub.security;

import static dev.hub.auth.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.hub.auth.TestTokens;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/security.md promises a JWKS key verifies, end to end: a key's own {@code alg} (PS256), the
 * algorithm of its curve when it has none (ES384, ES512), and HS256/384/512 for an HMAC key without
 * {@code alg}; never another algorithm with the same key.
 */
class JwksAlgorithmsTest {
  @TempDir
  Path dir;

  @Test
  void eachKeyVerifiesTheAlgorithmsItsTypeAndCurveDefine() throws Exception {
    RSAKey pss =
        new RSAKeyGenerator(2048).keyID("k-ps").algorithm(JWSAlgorithm.PS256).generate();
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("k-384").generate();
    ECKey p521 = new ECKeyGenerator(Curve.P_521).keyID("k-521").generate();
    OctetSequenceKey hmac = new OctetSequenceKeyGenerator(512).keyID("k-hs").generate();
    Path jwks = TestTokens.write(
        dir,
        "jwks.json",
        new com.nimbusds.jose.jwk.JWKSet(
                java.util.List.of(pss.toPublicJWK(), p384.toPublicJWK(), p521.toPublicJWK(), hmac))
            .toString(false));
    try (SecuredNode node = SecuredNode.start(new JsonObject().put("jwks", jwks.toString()))) {
      assertThat(node.stats(admin(new RSASSASigner(pss), JWSAlgorithm.PS256, "k-ps")))
          .isEqualTo(200);
      assertThat(node.stats(admin(new RSASSASigner(pss), JWSAlgorithm.RS256, "k-ps")))
          .as("RS256, PS256 key")
          .isEqualTo(401);
      assertThat(node.stats(admin(new ECDSASigner(p384), JWSAlgorithm.ES384, "k-384")))
          .isEqualTo(200);
      assertThat(node.stats(admin(new ECDSASigner(p521), JWSAlgorithm.ES512, "k-521")))
          .isEqualTo(200);
      for (JWSAlgorithm alg :
          new JWSAlgorithm[] {JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512}) {
        assertThat(node.stats(admin(new MACSigner(hmac), alg, "k-hs")))
            .as(alg.getName())
            .isEqualTo(200);
      }
    }
  }

  private static String admin(JWSSigner signer, JWSAlgorithm alg, String kid) throws JOSEException {
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(alg).keyID(kid).build(), claims("m", b -> b.claim("admin", true)));
    jwt.sign(signer);
    return jwt.serialize();
  }
}
