package dev.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.hub.config.ConfigException;
import org.junit.jupiter.api.Test;

/** What a PEM public key is registered for: its own type and curve decide, and weak keys are refused. */
class JwtKeysTest {

  @Test
  void anEcPemKeyVerifiesTheAlgorithmOfItsCurve() throws Exception {
    assertThat(
            JwtKeys.algorithmOf(pem(new ECKeyGenerator(Curve.P_256).generate().toPublicKey()), "f"))
        .isEqualTo("ES256");
    assertThat(
            JwtKeys.algorithmOf(pem(new ECKeyGenerator(Curve.P_384).generate().toPublicKey()), "f"))
        .isEqualTo("ES384");
    assertThat(
            JwtKeys.algorithmOf(pem(new ECKeyGenerator(Curve.P_521).generate().toPublicKey()), "f"))
        .isEqualTo("ES512");
  }

  @Test
  void anRsaPemKeyVerifiesRs256AndMustHaveAtLeast2048Bits() throws Exception {
    assertThat(JwtKeys.algorithmOf(pem(new RSAKeyGenerator(2048).generate().toPublicKey()), "f"))
        .isEqualTo("RS256");
    String weak = pem(new RSAKeyGenerator(1024, true).generate().toPublicKey());
    assertThatThrownBy(() -> JwtKeys.algorithmOf(weak, "weak.pem"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("weak.pem")
        .hasMessageContaining("1024 bits")
        .hasMessageContaining("2048");
  }

  private static String pem(java.security.PublicKey key) {
    return TestTokens.pem(key);
  }
}
