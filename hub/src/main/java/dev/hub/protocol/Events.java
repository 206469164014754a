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

  private Events() {
  }

  /**
   * The value as an event: a JSON object with a non-empty string {@code type} that is not a
   * server-only type; {@code invalid_frame} otherwise.
   */
  public static JsonObject require(Object value, Object requestId) {
    if (!(value instanceof JsonObject event)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"event\" is a JSON object", requestId);
    }
    if (!(event.getValue(TYPE) instanceof String type) || type.isEmpty()) {
      throw new HubException(ErrorCode.INVALID_FRAME, "an event needs a non-empty string \"type\"", requestId);
    }
    if (FrameTypes.SERVER_ONLY.contains(type)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"" + type + "\" is a server-only type", requestId);
    }
    return event;
  }

  /**
   * Sets the fields the hub owns on a copy of the event: {@code timestamp} unless the publisher set
   * one, {@code channel} for channel events (null: none), and {@code from} for events published by a
   * client. A client's own {@code from} is always replaced, so it cannot publish as someone else.
   *
   * @param fromClient true when a client published the event; then {@code from} is its user (or is
   *     removed for an anonymous connection)
   */
  public static JsonObject stamp(JsonObject event, String channel, boolean fromClient, String user, Instant now) {
    JsonObject stamped = event.copy();
    if (!(stamped.getValue(TIMESTAMP) instanceof String)) {
      stamped.put(TIMESTAMP, now.toString());
    }
    if (channel != null) {
      stamped.put(CHANNEL, channel);
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
