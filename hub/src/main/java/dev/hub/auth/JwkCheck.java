package dev.hub.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Judges one key of a JWKS document before vertx-auth-jwt sees it. vertx-auth-jwt skips a key it
 * cannot use with no more than a log line, and a provider left with no key verifies no signature
 * at all; so every key is checked here by the rules it applies (a supported {@code kty} and
 * {@code alg}, the members it builds the public key from, {@code use} absent or {@code sig}, an
 * {@code x5c} chain in its validity period) and by a few of RFC 7518 it does not apply (an EC
 * {@code alg} matches its curve, RSA keys of at least 2048 bits, HMAC keys of at least 256 bits).
 *
 * <p>A key without {@code alg} verifies what its type and curve define: RS256 for RSA (the usual
 * choice of identity providers), ES256/ES384/ES512 for P-256/P-384/P-521, EdDSA for Ed25519, and
 * HS256/384/512 for an HMAC key, as the configured secret does. No algorithm is guessed for a key
 * type or curve that is not supported: Ed448, X25519, secp256k1 and the like are refused.
 */
final class JwkCheck {
  static final int MIN_RSA_BITS = 2048;
  /** The same floor as the configured secret: a short HMAC key can be guessed offline from any token. */
  static final int MIN_HMAC_BYTES = 32;

  private static final List<String> RSA =
      List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
  private static final List<String> HMAC = List.of("HS256", "HS384", "HS512");
  /** RFC 7518 section 3.4: each ECDSA algorithm has its one curve. */
  private static final Map<String, String> EC_ALGORITHM =
      Map.of("P-256", "ES256", "P-384", "ES384", "P-521", "ES512");

  private static final Map<String, String> EC_JCA_NAME =
      Map.of("P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");

  /** Why a key cannot be used; the message is the reason, without the key's name. */
  static final class Unusable extends Exception {
    Unusable(String reason) {
      super(reason, null, false, false);
    }
  }

  private JwkCheck() {}

  /**
   * The copies of {@code key} to register with vertx-auth-jwt, one per algorithm it verifies, each
   * with its {@code alg} set so that vertx-auth-jwt's own defaults never apply.
   */
  static List<JsonObject> usable(JsonObject key) throws Unusable {
    // A kid that is not a string would make vertx-auth-jwt skip the key; say so here instead.
    text(key, "kid");
    String use = text(key, "use");
    if (use != null && !"sig".equals(use)) {
      throw new Unusable("use \"" + use + "\": not a signature key");
    }
    Object ops = key.getValue("key_ops");
    if (ops != null && !(ops instanceof JsonArray array && array.contains("verify"))) {
      throw new Unusable("key_ops " + ops + " does not include verify");
    }
    String kty = text(key, "kty");
    if (kty == null) {
      throw new Unusable("no kty");
    }
    List<String> algorithms = switch (kty) {
      case "RSA" -> List.of(rsa(key));
      case "EC" -> List.of(ec(key));
      case "OKP" -> List.of(okp(key));
      case "oct" -> oct(key);
      default -> throw new Unusable("unsupported kty " + kty + " (RSA, EC, OKP or oct)");
    };
    // vertx-auth-jwt reads x5c for RSA keys only (rsa() checks it); an expired chain beside
    // other key members still says the issuer no longer vouches for the key.
    if (!"RSA".equals(kty) && key.containsKey("x5c")) {
      certificateKey(key);
    }
    return algorithms.stream().map(alg -> key.copy().put("alg", alg)).toList();
  }

  private static String rsa(JsonObject key) throws Unusable {
    String alg = algorithm(key, "RSA", RSA, "RS256");
    PublicKey publicKey;
    // vertx-auth-jwt takes the certificate's key over n and e when both are given.
    if (key.containsKey("x5c")) {
      publicKey = certificateKey(key);
    } else if (key.getValue("n") != null && key.getValue("e") != null) {
      publicKey = generate("RSA", new RSAPublicKeySpec(unsigned(key, "n"), unsigned(key, "e")));
    } else {
      throw new Unusable("no public key (n and e, or x5c)");
    }
    if (!(publicKey instanceof RSAPublicKey rsa)) {
      throw new Unusable("x5c certificate does not hold an RSA key");
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < MIN_RSA_BITS) {
      throw new Unusable(
          "an RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " are needed");
    }
    return alg;
  }

  private static String ec(JsonObject key) throws Unusable {
    String crv = text(key, "crv");
    String expected = crv == null ? null : EC_ALGORITHM.get(crv);
    if (expected == null) {
      throw new Unusable("unsupported crv " + crv + " (P-256, P-384 or P-521)");
    }
    String alg = matching(key, crv, expected);
    if (key.getValue("x") == null || key.getValue("y") == null) {
      throw new Unusable("no public key (x and y)");
    }
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(EC_JCA_NAME.get(crv)));
      generate(
          "EC",
          new ECPublicKeySpec(
              new ECPoint(unsigned(key, "x"), unsigned(key, "y")),
              parameters.getParameterSpec(ECParameterSpec.class)));
    } catch (GeneralSecurityException e) {
      throw new Unusable("not a " + crv + " public key: " + e.getMessage());
    }
    return alg;
  }

  private static String okp(JsonObject key) throws Unusable {
    String crv = text(key, "crv");
    if (!"Ed25519".equals(crv)) {
      throw new Unusable("unsupported crv " + crv + " (Ed25519 only)");
    }
    String alg = matching(key, crv, "EdDSA");
    if (key.getValue("x") == null) {
      throw new Unusable("no public key (x)");
    }
    if (bytes(key, "x").length != 32) {
      throw new Unusable("x is not a 32-byte Ed25519 public key");
    }
    return alg;
  }

  private static List<String> oct(JsonObject key) throws Unusable {
    List<String> algorithms =
        text(key, "alg") == null ? HMAC : List.of(algorithm(key, "oct", HMAC, null));
    if (key.getValue("k") == null) {
      throw new Unusable("no key value (k)");
    }
    int length = bytes(key, "k").length;
    if (length < MIN_HMAC_BYTES) {
      throw new Unusable(
          "an HMAC key of " + length + " bytes; at least " + MIN_HMAC_BYTES + " are needed");
    }
    return algorithms;
  }

  private static String algorithm(JsonObject key, String kty, List<String> supported, String absent)
      throws Unusable {
    String alg = text(key, "alg");
    if (alg == null) {
      return absent;
    }
    if (!supported.contains(alg)) {
      throw new Unusable(
          "unsupported alg " + alg + " for kty " + kty + " (" + String.join(", ", supported) + ")");
    }
    return alg;
  }

  /** The one algorithm of a curve; a key that names another one is misconfigured, not guessed at. */
  private static String matching(JsonObject key, String crv, String expected) throws Unusable {
    String alg = text(key, "alg");
    if (alg != null && !alg.equals(expected)) {
      throw new Unusable("alg " + alg + " does not match crv " + crv + " (" + expected + ")");
    }
    return expected;
  }

  /** The first certificate's key, once every certificate of the chain is found within its validity period. */
  private static PublicKey certificateKey(JsonObject key) throws Unusable {
    if (!(key.getValue("x5c") instanceof JsonArray chain) || chain.isEmpty()) {
      throw new Unusable("x5c is not a non-empty array of certificates");
    }
    PublicKey first = null;
    for (Object entry : chain) {
      X509Certificate certificate;
      try {
        byte[] der = Base64.getMimeDecoder().decode(String.valueOf(entry));
        certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
        certificate.checkValidity();
      } catch (CertificateExpiredException e) {
        throw new Unusable("x5c certificate expired: " + e.getMessage());
      } catch (CertificateNotYetValidException e) {
        throw new Unusable("x5c certificate not valid yet: " + e.getMessage());
      } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
        throw new Unusable(
            "x5c holds something that is not a base64 DER certificate: " + e.getMessage());
      }
      first = first == null ? certificate.getPublicKey() : first;
    }
    return first;
  }

  private static PublicKey generate(String type, java.security.spec.KeySpec spec) throws Unusable {
    try {
      return KeyFactory.getInstance(type).generatePublic(spec);
    } catch (GeneralSecurityException e) {
      throw new Unusable("not a valid " + type + " public key: " + e.getMessage());
    }
  }

  private static BigInteger unsigned(JsonObject key, String member) throws Unusable {
    return new BigInteger(1, bytes(key, member));
  }

  private static byte[] bytes(JsonObject key, String member) throws Unusable {
    try {
      return Base64.getUrlDecoder().decode(text(key, member));
    } catch (IllegalArgumentException e) {
      throw new Unusable(member + " is not base64url");
    }
  }

  private static String text(JsonObject key, String member) throws Unusable {
    Object value = key.getValue(member);
    if (value != null && !(value instanceof String)) {
      throw new Unusable(member + " is not a string");
    }
    return (String) value;
  }
}
