package dev.hub.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tokens and keys made with nimbus-jose-jwt, a library independent of the code under test, so a
 * test never checks the hub's verification against the hub's own signing.
 */
public final class TestTokens {
  /** 64 bytes: enough for HS512, which nimbus (rightly) refuses to sign with less. */
  public static final String SECRET =
      "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abc";

  private TestTokens() {}

  public static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An Ed25519 key pair (nimbus makes it with Google Tink). */
  public static OctetKeyPair ed25519(String kid) {
    try {
      return new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims for a user, valid for an hour, changed by {@code more}. */
  public static JWTClaimsSet claims(String sub, Consumer<JWTClaimsSet.Builder> more) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
        .subject(sub)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    more.accept(builder);
    return builder.build();
  }

  public static JWTClaimsSet claims(String sub) {
    return claims(sub, b -> {});
  }

  /** Channels, publish and the rest as the hub reads them. */
  public static Consumer<JWTClaimsSet.Builder> grants(
      List<String> channels, List<String> publish, boolean broadcast) {
    return b ->
        b.claim("channels", channels).claim("publish", publish).claim("broadcast", broadcast);
  }

  public static String hs256(JWTClaimsSet claims) {
    return hmac(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8), claims);
  }

  public static String hmac(JWSAlgorithm alg, byte[] secret, JWTClaimsSet claims) {
    return hmac(alg, secret, claims, null);
  }

  /** An HMAC token whose header names {@code kid} (none when null). */
  public static String hmac(JWSAlgorithm alg, byte[] secret, JWTClaimsSet claims, String kid) {
    try {
      return sign(new MACSigner(secret), new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String rs256(RSAKey key, JWTClaimsSet claims, boolean withKid) {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
          .keyID(withKid ? key.getKeyID() : null)
          .build();
      return sign(new RSASSASigner(key), header, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String es256(ECKey key, JWTClaimsSet claims, boolean withKid) {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
          .keyID(withKid ? key.getKeyID() : null)
          .build();
      return sign(new ECDSASigner(key), header, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String eddsa(OctetKeyPair key, JWTClaimsSet claims, boolean withKid) {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA)
          .keyID(withKid ? key.getKeyID() : null)
          .build();
      return sign(new Ed25519Signer(key), header, claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token made of these segments as they are: base64url of the header and payload JSON, then {@code rest}. */
  public static String raw(String header, String payload, String rest) {
    return Base64URL.encode(header) + "." + Base64URL.encode(payload) + rest;
  }

  /** {@code alg: none}, no signature: what an attacker sends hoping the server skips verification. */
  public static String unsigned(JWTClaimsSet claims) {
    String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
    String payload = Base64URL.encode(claims.toString()).toString();
    return header + "." + payload + ".";
  }

  private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims)
      throws JOSEException {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  public static Path write(Path dir, String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JWKS document with the public halves of these keys. */
  public static String jwks(com.nimbusds.jose.jwk.JWK... keys) {
    return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
  }
}
