package dev.hub.auth;

import dev.hub.config.AuthConfig;
import dev.hub.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds vertx-auth-jwt's options from the configured key sources: the HMAC secret (registered
 * for HS256, HS384 and HS512), a PEM public key (its type and curve decide: RS256, ES256/384/512
 * or EdDSA) and a JWKS file (each key judged by {@link JwkCheck}). Each key is registered for its
 * own algorithms only, so a token whose header names another algorithm (HS256 "signed" with the
 * RSA public key, {@code alg: none}) finds no key and is refused.
 *
 * <p>vertx-auth-jwt verifies no signature at all when it is left with no key, so the keys are
 * counted here: a JWKS file none of whose keys can be used stops the node from starting, with the
 * reason for each key; a key skipped beside usable ones is logged at WARN.
 */
final class JwtKeys {
  private static final Logger log = LoggerFactory.getLogger(JwtKeys.class);
  private static final List<String> HMAC = List.of("HS256", "HS384", "HS512");
  private static final Map<String, String> EC_CURVES =
      Map.of("secp256r1", "ES256", "secp384r1", "ES384", "secp521r1", "ES512");

  /**
   * The keys a secured node verifies with.
   *
   * @param all every usable key: what a token without {@code kid}, or with a {@code kid} no JWKS key has, is
   *     checked with (vertx-auth-jwt then tries only the keys that have no {@code kid} of their own)
   * @param withKid the JWKS keys that have a {@code kid}, or null when none has: a token naming one of those
   *     kids is checked with these alone, never with the secret or the PEM key
   * @param algorithms every algorithm some key verifies
   * @param kids the {@code kid}s of the JWKS keys
   */
  record VerificationKeys(
      JWTAuthOptions all, JWTAuthOptions withKid, Set<String> algorithms, Set<String> kids) {}

  private JwtKeys() {}

  /** Reads the key files without blocking the caller's event loop; fails with a {@link ConfigException}. */
  static Future<VerificationKeys> load(Vertx vertx, AuthConfig config) {
    List<PubSecKeyOptions> keys = new ArrayList<>();
    if (config.secret() != null) {
      HMAC.forEach(
          alg -> keys.add(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.secret())));
    }
    Future<Void> publicKey = config.publicKeyFile() == null
        ? Future.succeededFuture()
        : read(vertx, config.publicKeyFile(), "jwt.publicKey").map(pem -> {
          keys.add(new PubSecKeyOptions()
              .setAlgorithm(algorithmOf(pem, config.publicKeyFile()))
              .setBuffer(pem));
          return null;
        });
    Future<List<JsonObject>> jwks = config.jwksFile() == null
        ? Future.succeededFuture(List.of())
        : read(vertx, config.jwksFile(), "jwt.jwks")
            .map(text -> jwks(vertx, text, config.jwksFile()));
    return Future.all(publicKey, jwks).map(done -> verificationKeys(config, keys, jwks.result()));
  }

  private static VerificationKeys verificationKeys(
      AuthConfig config, List<PubSecKeyOptions> keys, List<JsonObject> jwks) {
    if (keys.isEmpty() && jwks.isEmpty()) {
      throw new ConfigException("no usable JWT key: a node without one would verify no signature");
    }
    JWTOptions checks = new JWTOptions()
        .setLeeway(config.leewaySeconds())
        .setIssuer(config.issuer())
        .setAudience(config.audiences().isEmpty() ? null : config.audiences());
    Set<String> algorithms = new LinkedHashSet<>();
    keys.forEach(key -> algorithms.add(key.getAlgorithm()));
    jwks.forEach(key -> algorithms.add(key.getString("alg")));
    List<JsonObject> keyed =
        jwks.stream().filter(key -> key.getString("kid") != null).toList();
    Set<String> kids = new HashSet<>();
    keyed.forEach(key -> kids.add(key.getString("kid")));
    return new VerificationKeys(
        new JWTAuthOptions().setJWTOptions(checks).setPubSecKeys(keys).setJwks(jwks),
        keyed.isEmpty() ? null : new JWTAuthOptions().setJWTOptions(checks).setJwks(keyed),
        Set.copyOf(algorithms),
        Set.copyOf(kids));
  }

  private static Future<String> read(Vertx vertx, String file, String setting) {
    return vertx
        .fileSystem()
        .readFile(file)
        .map(Object::toString)
        .recover(e -> Future.failedFuture(
            new ConfigException(setting + ": cannot read " + file + ": " + e.getMessage(), e)));
  }

  /**
   * What a PEM public key verifies: RS256 for RSA (at least 2048 bits), ES256/ES384/ES512 for a P-256,
   * P-384 or P-521 key, EdDSA for Ed25519. What the PEM holds decides, not a setting that could disagree.
   */
  static String algorithmOf(String pem, String file) {
    if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException(
          "jwt.publicKey: " + file + " is not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("jwt.publicKey: " + file + " is not valid PEM: " + e.getMessage());
    }
    for (String type : List.of("RSA", "EC", "Ed25519")) {
      PublicKey key;
      try {
        key = KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisType) {
        continue;
      }
      return algorithmOf(key, file);
    }
    throw new ConfigException("jwt.publicKey: " + file + " holds no RSA, EC or Ed25519 public key");
  }

  private static String algorithmOf(PublicKey key, String file) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < JwkCheck.MIN_RSA_BITS) {
        throw new ConfigException("jwt.publicKey: " + file + " holds an RSA key of " + bits
            + " bits; at least " + JwkCheck.MIN_RSA_BITS + " are needed");
      }
      return "RS256";
    }
    if (key instanceof ECPublicKey ec) {
      return EC_CURVES.entrySet().stream()
          .filter(curve -> isCurve(ec.getParams(), curve.getKey()))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElseThrow(() -> new ConfigException("jwt.publicKey: " + file
              + " holds an EC key on a curve other than P-256, P-384 or P-521"));
    }
    return "EdDSA";
  }

  private static boolean isCurve(ECParameterSpec params, String name) {
    try {
      AlgorithmParameters named = AlgorithmParameters.getInstance("EC");
      named.init(new ECGenParameterSpec(name));
      ECParameterSpec spec = named.getParameterSpec(ECParameterSpec.class);
      return spec.getCurve().equals(params.getCurve())
          && spec.getOrder().equals(params.getOrder())
          && spec.getGenerator().equals(params.getGenerator());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The usable keys of a JWKS document, each with its {@code alg}; fails when there is none. */
  static List<JsonObject> jwks(Vertx vertx, String text, String file) {
    JsonArray entries;
    try {
      entries = new JsonObject(text).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new ConfigException(
          "jwt.jwks: " + file + " is not a JWKS document ({\"keys\":[...]}): " + e.getMessage());
    }
    if (entries == null || entries.isEmpty()) {
      throw new ConfigException("jwt.jwks: " + file + " has no \"keys\"");
    }
    List<JsonObject> usable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Object entry = entries.getValue(i);
      String name = entry instanceof JsonObject key && key.getValue("kid") instanceof String kid
          ? kid
          : "key " + (i + 1) + " (no kid)";
      try {
        usable.addAll(registered(vertx, entry, seen));
      } catch (JwkCheck.Unusable e) {
        skipped.add(name + ": " + e.getMessage());
      }
    }
    if (usable.isEmpty()) {
      throw new ConfigException(
          "jwt.jwks: " + file + " has no usable key, and a node without one would verify no "
              + "signature: " + String.join("; ", skipped));
    }
    skipped.forEach(reason -> log.warn("jwt.jwks: {}: skipped {}", file, reason));
    return usable;
  }

  private static List<JsonObject> registered(Vertx vertx, Object entry, Set<String> seen)
      throws JwkCheck.Unusable {
    if (!(entry instanceof JsonObject key)) {
      throw new JwkCheck.Unusable("not a JSON object");
    }
    List<JsonObject> copies = JwkCheck.usable(key);
    for (JsonObject copy : copies) {
      String kid = copy.getString("kid");
      // vertx-auth-jwt would let the later key replace the earlier one in silence.
      if (kid != null && !seen.add(kid + " " + copy.getString("alg"))) {
        throw new JwkCheck.Unusable(
            "an earlier key has the same kid and alg " + copy.getString("alg"));
      }
      if (!registers(vertx, copy)) {
        throw new JwkCheck.Unusable("vertx-auth-jwt cannot use it (its warning above says why)");
      }
    }
    return copies;
  }

  /**
   * Whether vertx-auth-jwt registers the key, asked through its public API: a provider holding a key
   * refuses to sign with {@code alg: none}, one left with none signs with it.
   */
  private static boolean registers(Vertx vertx, JsonObject key) {
    JWTAuth probe = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key));
    try {
      probe.generateToken(new JsonObject(), new JWTOptions().setAlgorithm("none"));
      return false;
    } catch (IllegalStateException secured) {
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
