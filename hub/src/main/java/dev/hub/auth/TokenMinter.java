package dev.hub.auth;

import dev.hub.config.AuthConfig;
import dev.hub.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.List;

/**
 * Signs development tokens with the configured HMAC secret (HS256), with the claims the hub reads,
 * so a secured node can be tried without an identity provider. Production tokens come from the
 * application's own login; this exists for the README walkthrough and for scripts.
 */
public final class TokenMinter {
  /**
   * The shortest lifetime a minted token may have. vertx-auth-jwt writes {@code exp} only for a
   * lifetime of at least one whole second: a shorter one would mint a token that never expires.
   */
  public static final Duration MIN_TTL = Duration.ofSeconds(1);

  private final JWTAuth signer;
  private final AuthConfig config;

  /** What a minted token grants. */
  public record Grant(
      String sub,
      List<String> channels,
      List<String> publish,
      List<String> rpc,
      boolean broadcast,
      boolean admin,
      Duration ttl) {}

  public TokenMinter(Vertx vertx, AuthConfig config) {
    if (config.secret() == null) {
      throw new ConfigException(
          "minting a token needs the HMAC secret (--jwt-secret / HUB_JWT_SECRET / jwt.secret); "
              + "public keys can only verify");
    }
    this.config = config;
    this.signer = JWTAuth.create(
        vertx,
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret())));
  }

  /**
   * Signs a token for the grant, with an {@code exp} {@code ttl} (whole seconds) from now.
   *
   * @throws ConfigException without a {@code sub}, or with a {@code ttl} under {@link #MIN_TTL}
   */
  public String mint(Grant grant) {
    if (grant.sub() == null || grant.sub().isBlank()) {
      throw new ConfigException("a token needs --sub <user id>");
    }
    if (grant.ttl() == null || grant.ttl().compareTo(MIN_TTL) < 0) {
      throw new ConfigException("--ttl must be at least 1s (it was "
          + (grant.ttl() == null ? "unset" : grant.ttl().toMillis() + "ms")
          + "): a shorter one would mint a token that never expires");
    }
    JsonObject claims = new JsonObject()
        .put(Claims.CHANNELS, new JsonArray(grant.channels()))
        .put(Claims.PUBLISH, new JsonArray(grant.publish()))
        .put(Claims.RPC, new JsonArray(grant.rpc()))
        .put(Claims.BROADCAST, grant.broadcast())
        .put(Claims.ADMIN, grant.admin());
    JWTOptions options = new JWTOptions()
        .setAlgorithm("HS256")
        .setSubject(grant.sub())
        .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, grant.ttl().toSeconds()))
        .setIssuer(config.issuer());
    if (config.audience() != null) {
      options.setAudience(config.audiences());
    }
    return signer.generateToken(claims, options);
  }
}
