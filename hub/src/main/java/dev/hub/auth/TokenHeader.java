package dev.hub.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The header of a token that carries a signature, read before vertx-auth-jwt sees the token. This
 * is the verifier's own line of defence: vertx-auth-jwt accepts an unsigned token whenever it holds
 * no key, so whatever its keys, only a compact JWS with three segments and a non-empty signature,
 * under an algorithm other than {@code none}, gets that far.
 *
 * @param alg the algorithm the header names
 * @param kid the key id the header names, or null
 */
record TokenHeader(String alg, String kid) {

  /** Why a token is refused before its signature is checked; the message is the reason for the client. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  static TokenHeader of(String token) throws Refused {
    // -1 keeps the empty signature of "header.payload." as a segment.
    String[] segments = token.split("\\.", -1);
    if (segments.length == 2 || segments.length == 3 && segments[2].isEmpty()) {
      throw new Refused("unsigned tokens are not accepted");
    }
    if (segments.length != 3) {
      throw new Refused("malformed");
    }
    JsonObject header;
    try {
      header = new JsonObject(
          new String(Base64.getUrlDecoder().decode(segments[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new Refused("malformed");
    }
    if (!(header.getValue("alg") instanceof String alg)
        || header.getValue("kid") != null && !(header.getValue("kid") instanceof String)) {
      throw new Refused("malformed");
    }
    if (alg.equalsIgnoreCase("none")) {
      throw new Refused("unsigned tokens are not accepted");
    }
    return new TokenHeader(alg, header.getString("kid"));
  }
}
