package dev.hub.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Rules for events (docs/protocol.md section 3): what an event must be, and the fields the hub sets. */
public final class Events {
  public static final String TYPE = "type";
  public static final String TIMESTAMP = "timestamp";
  public static final String CHANNEL = "channel";
  public static final String FROM = "from";
  public static final String OFFSET = "offset";
  public static final String EPOCH = "epoch";

  private Events() {}

  /**
   * The value as an event: a JSON object with a non-empty string {@code type} that is not a
   * server-only type; {@code invalid_frame} otherwise.
   */
  public static JsonObject require(Object value, Object requestId) {
    if (!(value instanceof JsonObject event)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"event\" is a JSON object", requestId);
    }
    if (!(event.getValue(TYPE) instanceof String type) || type.isEmpty()) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "an event needs a non-empty string \"type\"", requestId);
    }
    if (FrameTypes.SERVER_ONLY.contains(type)) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "\"" + type + "\" is a server-only type", requestId);
    }
    return event;
  }

  /**
   * Sets the fields the hub owns (docs/protocol.md section 3) on a copy of the event, whoever sent
   * it and whatever it said in them:
   *
   * <ul>
   *   <li>{@code channel}: the channel for channel events, removed from broadcast and direct ones,
   *       so a subscriber never files an event under a channel it was not published to;
   *   <li>{@code offset}, {@code epoch}: always removed; only the history store numbers events,
   *       and its position is spliced in after the append ({@link EventBytes#withPosition});
   *   <li>{@code timestamp}: now for a client's event; a trusted server's own string is kept;
   *   <li>{@code from}: a client's user (removed for an anonymous connection); a trusted server's
   *       own is kept.
   * </ul>
   *
   * @param channel the channel for channel events, or null for broadcast and direct events
   * @param fromClient true when a client published the event, false for a trusted server (HTTP API
   *     or event bus)
   * @param user the publishing client's user, or null for an anonymous connection
   */
  public static JsonObject stamp(
      JsonObject event, String channel, boolean fromClient, String user, Instant now) {
    JsonObject stamped = event.copy();
    stamped.remove(OFFSET);
    stamped.remove(EPOCH);
    if (channel != null) {
      stamped.put(CHANNEL, channel);
    } else {
      stamped.remove(CHANNEL);
    }
    if (fromClient || !(stamped.getValue(TIMESTAMP) instanceof String)) {
      stamped.put(TIMESTAMP, now.toString());
    }
    if (fromClient) {
      if (user == null) {
        stamped.remove(FROM);
      } else {
        stamped.put(FROM, user);
      }
    }
    return stamped;
  }
}
