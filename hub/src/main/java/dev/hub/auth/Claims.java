package dev.hub.auth;

import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The claims the hub reads from a verified token (docs/protocol.md section 1): {@code sub}, {@code exp},
 * {@code channels}, {@code publish}, {@code broadcast}, {@code rpc} and {@code admin}. A claim of
 * the wrong type refuses the token: guessing what {@code "channels": "room:*"} meant could grant
 * more than the issuer intended.
 */
public final class Claims {
  public static final String SUB = "sub";
  public static final String EXP = "exp";
  public static final String CHANNELS = "channels";
  public static final String PUBLISH = "publish";
  public static final String BROADCAST = "broadcast";
  public static final String RPC = "rpc";
  public static final String ADMIN = "admin";

  private Claims() {}

  /** The identity a verified token's payload describes; {@code unauthorized} for ill-typed claims. */
  public static Identity identity(JsonObject payload) {
    Object sub = payload.getValue(SUB);
    if (sub != null && (!(sub instanceof String name) || name.isEmpty())) {
      throw refused("\"sub\" must be a non-empty string");
    }
    Grants grants = new Grants(
        patterns(payload, CHANNELS),
        patterns(payload, PUBLISH),
        flag(payload, BROADCAST),
        patterns(payload, RPC),
        flag(payload, ADMIN));
    return new Identity((String) sub, grants, expiry(payload));
  }

  private static List<ChannelPattern> patterns(JsonObject payload, String claim) {
    Object value = payload.getValue(claim);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw refused("\"" + claim + "\" must be an array of patterns");
    }
    List<ChannelPattern> patterns = new ArrayList<>(array.size());
    for (Object pattern : array) {
      if (!(pattern instanceof String text) || text.isEmpty()) {
        throw refused("\"" + claim + "\" must hold non-empty strings");
      }
      patterns.add(ChannelPattern.of(text));
    }
    return List.copyOf(patterns);
  }

  private static boolean flag(JsonObject payload, String claim) {
    Object value = payload.getValue(claim);
    if (value != null && !(value instanceof Boolean)) {
      throw refused("\"" + claim + "\" must be true or false");
    }
    return Boolean.TRUE.equals(value);
  }

  private static Instant expiry(JsonObject payload) {
    Object exp = payload.getValue(EXP);
    if (exp == null) {
      return null;
    }
    if (!(exp instanceof Number seconds)) {
      throw refused("\"exp\" must be a number of seconds");
    }
    return Instant.ofEpochSecond(seconds.longValue());
  }

  private static HubException refused(String why) {
    return new HubException(ErrorCode.UNAUTHORIZED, "token refused: " + why);
  }
}
