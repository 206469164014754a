package dev.hub.auth;

import dev.hub.config.AuthConfig;
import dev.hub.config.ConfigException;
import dev.hub.internals.VertxInternals;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWTs with vertx-auth-jwt: the signature with a configured key of the algorithm the
 * token names, {@code exp} and {@code nbf} within the leeway, and {@code iss} / {@code aud} when
 * configured. A token without {@code exp} never expires, as in Centrifugo; issuers should always
 * set one.
 *
 * <p>Which key checks a token (docs/security.md, "Tokens and keys"): a token naming the {@code kid} of a JWKS key is
 * checked with that key alone; a token naming a {@code kid} no JWKS key has, with the keys that have
 * no {@code kid} (the HMAC secret, the PEM key, JWKS keys without one); a token without {@code kid},
 * with every key of its algorithm.
 *
 * <p>Before vertx-auth-jwt sees a token, the {@link TokenHeader} must show a signature under an
 * algorithm some key verifies: vertx-auth-jwt left without keys would accept unsigned tokens, so
 * this holds even if its provider were somehow built with none.
 *
 * <p>Every refusal is an {@code unauthorized} {@link HubException} whose message says what was
 * wrong in general terms (expired, bad signature, unknown key), never which key was tried.
 */
public final class JwtAuthenticator implements Authenticator {
  /** Longer tokens are refused before they are parsed: a token is a few hundred bytes. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private static final String NO_KEY = "no key for its algorithm or key id";

  private final JWTAuth all;
  private final JWTAuth withKid;
  private final Set<String> algorithms;
  private final Set<String> kids;
  private final int leewaySeconds;

  /**
   * @param all checks tokens without {@code kid} or with one no JWKS key has
   * @param withKid checks tokens naming one of {@code kids}
   * @param algorithms the algorithms the keys verify; a token naming another is refused unseen
   */
  JwtAuthenticator(
      JWTAuth all, JWTAuth withKid, Set<String> algorithms, Set<String> kids, int leewaySeconds) {
    this.all = all;
    this.withKid = withKid;
    this.algorithms = Set.copyOf(algorithms);
    this.kids = Set.copyOf(kids);
    this.leewaySeconds = leewaySeconds;
  }

  /** Reads the configured keys and builds the verifier; fails with a {@link ConfigException}. */
  public static Future<JwtAuthenticator> create(Vertx vertx, AuthConfig config) {
    return readKeys(vertx, config).map(keys -> create(vertx, keys));
  }

  /**
   * Reads and judges the configured keys, and tries them as the verifier will, without keeping a
   * verifier: a node checks its keys this way on a Vert.x of its own before it starts the clustered
   * one it runs on, which a verifier would be bound to. Fails with a {@link ConfigException}.
   */
  public static Future<Keys> readKeys(Vertx vertx, AuthConfig config) {
    return JwtKeys.load(vertx, config).map(loaded -> {
      Keys keys = new Keys(loaded, config.leewaySeconds());
      create(vertx, keys);
      return keys;
    });
  }

  /** Builds the verifier from keys already read; throws a {@link ConfigException} if vertx-auth-jwt refuses them. */
  public static JwtAuthenticator create(Vertx vertx, Keys keys) {
    JwtKeys.VerificationKeys verification = keys.verification;
    try {
      JWTAuth all = JWTAuth.create(vertx, verification.all());
      JWTAuth withKid =
          verification.withKid() == null ? all : JWTAuth.create(vertx, verification.withKid());
      return new JwtAuthenticator(
          all, withKid, verification.algorithms(), verification.kids(), keys.leewaySeconds);
    } catch (RuntimeException e) {
      throw new ConfigException("cannot use the configured JWT keys: " + e.getMessage(), e);
    }
  }

  /** JWT keys read from their files and judged, not yet bound to a Vert.x (see {@link #readKeys}). */
  public static final class Keys {
    private final JwtKeys.VerificationKeys verification;
    private final int leewaySeconds;

    private Keys(JwtKeys.VerificationKeys verification, int leewaySeconds) {
      this.verification = verification;
      this.leewaySeconds = leewaySeconds;
    }
  }

  @Override
  public Future<Optional<Identity>> authenticate(Credentials credentials) {
    if (credentials.token() == null || credentials.token().isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return verify(credentials.token()).map(Optional::of);
  }

  @Override
  public Future<Identity> authenticate(String token, Identity current) {
    return verify(token);
  }

  private Future<Identity> verify(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return refused("too long");
    }
    TokenHeader header;
    try {
      header = TokenHeader.of(token);
    } catch (TokenHeader.Refused e) {
      return refused(e.getMessage());
    }
    if (!algorithms.contains(header.alg())) {
      return refused(NO_KEY);
    }
    JWTAuth provider = header.kid() != null && kids.contains(header.kid()) ? withKid : all;
    return provider
        .authenticate(new TokenCredentials(token))
        .recover(failure -> Future.failedFuture(
            new HubException(ErrorCode.UNAUTHORIZED, "token refused: " + reason(failure, token))))
        // The verified payload as it was signed: vertx-auth-jwt's principal leaves out exp and nbf.
        .map(user -> withLeeway(Claims.identity(user.attributes().getJsonObject("accessToken"))));
  }

  private static <T> Future<T> refused(String reason) {
    return Future.failedFuture(
        new HubException(ErrorCode.UNAUTHORIZED, "token refused: " + reason));
  }

  /** A token accepted within the leeway must not be expired at once on the live connection. */
  private Identity withLeeway(Identity identity) {
    return identity.expiresAt() == null
        ? identity
        : new Identity(
            identity.user(), identity.grants(), identity.expiresAt().plusSeconds(leewaySeconds));
  }

  /** A short reason for the client; vertx-auth-jwt's own texts name internals. */
  private static String reason(Throwable failure, String token) {
    return switch (VertxInternals.jwtRefusal(failure)) {
      case EXPIRED -> notYetValid(token) ? "not valid yet (nbf)" : "expired";
      case ISSUER -> "wrong issuer (iss)";
      case AUDIENCE -> "wrong audience (aud)";
      case UNSIGNED -> "unsigned tokens are not accepted";
      case BAD_SIGNATURE -> "bad signature";
      case UNKNOWN_KEY -> NO_KEY;
      case OTHER -> "malformed";
    };
  }

  /** Only to choose the message: the payload of a refused token is never trusted for anything else. */
  private static boolean notYetValid(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonObject payload = new JsonObject(
          new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Long nbf = payload.getLong("nbf");
      return nbf != null && nbf * 1000 > System.currentTimeMillis();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
