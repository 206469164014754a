package dev.hub.auth;

import dev.hub.config.AuthConfig;
import dev.hub.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Builds vertx-auth-jwt's options from the configured key sources: the HMAC secret (registered
 * for HS256, HS384 and HS512), a PEM public key (RS256 for RSA, ES256 for EC) and a JWKS file.
 * Each key is registered for its own algorithm only, so a token whose header names another
 * algorithm (HS256 "signed" with the RSA public key, {@code alg: none}) finds no key and is refused.
 */
final class JwtKeys {
  private static final List<String> HMAC = List.of("HS256", "HS384", "HS512");

  private JwtKeys() {
  }

  /** Reads the key files without blocking the caller's event loop. */
  static Future<JWTAuthOptions> load(Vertx vertx, AuthConfig config) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setLeeway(config.leewaySeconds())
        .setIssuer(config.issuer())
        .setAudience(config.audiences().isEmpty() ? null : config.audiences()));
    List<PubSecKeyOptions> keys = new ArrayList<>();
    if (config.secret() != null) {
      HMAC.forEach(alg -> keys.add(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.secret())));
    }
    Future<Void> publicKey = config.publicKeyFile() == null ? Future.succeededFuture()
        : read(vertx, config.publicKeyFile(), "jwt.publicKey").map(pem -> {
          keys.add(new PubSecKeyOptions().setAlgorithm(algorithmOf(pem, config.publicKeyFile())).setBuffer(pem));
          return null;
        });
    Future<List<JsonObject>> jwks = config.jwksFile() == null ? Future.succeededFuture(List.of())
        : read(vertx, config.jwksFile(), "jwt.jwks").map(text -> jwks(text, config.jwksFile()));
    return Future.all(publicKey, jwks).map(done -> options.setPubSecKeys(keys).setJwks(jwks.result()));
  }

  private static Future<String> read(Vertx vertx, String file, String setting) {
    return vertx.fileSystem().readFile(file).map(Object::toString)
        .recover(e -> Future.failedFuture(new ConfigException(setting + ": cannot read " + file + ": "
            + e.getMessage(), e)));
  }

  /** RS256 for an RSA key, ES256 for an EC key: what a PEM holds decides, not a setting that could disagree. */
  static String algorithmOf(String pem, String file) {
    String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException("jwt.publicKey: " + file + " is not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("jwt.publicKey: " + file + " is not valid PEM: " + e.getMessage());
    }
    for (String[] kind : new String[][] {{"RSA", "RS256"}, {"EC", "ES256"}}) {
      try {
        KeyFactory.getInstance(kind[0]).generatePublic(new X509EncodedKeySpec(der));
        return kind[1];
      } catch (GeneralSecurityException notThisKind) {
        // try the next kind
      }
    }
    throw new ConfigException("jwt.publicKey: " + file + " holds neither an RSA nor an EC public key");
  }

  /** The signing keys of a JWKS document; a key without {@code alg} gets its type's usual one. */
  static List<JsonObject> jwks(String text, String file) {
    JsonArray keys;
    try {
      keys = new JsonObject(text).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new ConfigException("jwt.jwks: " + file + " is not a JWKS document ({\"keys\":[...]}): " + e.getMessage());
    }
    if (keys == null || keys.isEmpty()) {
      throw new ConfigException("jwt.jwks: " + file + " has no \"keys\"");
    }
    List<JsonObject> result = new ArrayList<>();
    for (Object entry : keys) {
      if (!(entry instanceof JsonObject key)) {
        throw new ConfigException("jwt.jwks: " + file + ": every key is a JSON object");
      }
      if ("enc".equals(key.getString("use"))) {
        continue;
      }
      JsonObject copy = key.copy();
      if (copy.getString("alg") == null) {
        String kty = copy.getString("kty");
        copy.put("alg", "RSA".equals(kty) ? "RS256" : "EC".equals(kty) ? "ES256" : "HS256");
      }
      result.add(copy);
    }
    return result;
  }
}
