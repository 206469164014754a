package dev.hub.config;

import java.util.List;

/**
 * How tokens are verified (docs/protocol.md section 1). At least one key source is set unless the node
 * runs in open mode. Key files are named here and read when the node starts.
 *
 * @param secret HMAC secret for HS256/384/512, or null
 * @param publicKeyFile PEM file of an RSA or EC public key (RS256 / ES256), or null
 * @param jwksFile JWKS file ({@code {"keys":[...]}}), or null
 * @param issuer the {@code iss} every token must carry, or null: not checked
 * @param audience the {@code aud} every token must include, or null: not checked
 * @param leewaySeconds clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 */
public record AuthConfig(
    String secret,
    String publicKeyFile,
    String jwksFile,
    String issuer,
    String audience,
    int leewaySeconds) {
  /** HMAC secrets shorter than this are refused: HS256 needs at least 256 bits of key. */
  public static final int MIN_SECRET_LENGTH = 32;

  public AuthConfig {
    if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
      throw new ConfigException(
          "jwt.secret (--jwt-secret / HUB_JWT_SECRET) must be at least " + MIN_SECRET_LENGTH
              + " characters: a short HMAC secret can be guessed offline from any token");
    }
  }

  /** No key configured: tokens cannot be verified. */
  public static AuthConfig none() {
    return new AuthConfig(null, null, null, null, null, 5);
  }

  /** True when some key is configured, so tokens can be verified. */
  public boolean hasKeys() {
    return secret != null || publicKeyFile != null || jwksFile != null;
  }

  public List<String> audiences() {
    return audience == null ? List.of() : List.of(audience);
  }
}
