package dev.hub.protocol;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Builders for the frames the server sends (docs/protocol.md sections 1, 2, 5 and 6). */
public final class ServerFrames {

  private ServerFrames() {}

  public static JsonObject connected(
      String connectionId, String node, String user, long heartbeatMs, Instant now) {
    return new JsonObject()
        .put("type", FrameTypes.CONNECTED)
        .put("connectionId", connectionId)
        .put("node", node)
        .put("user", user)
        .put("heartbeat", heartbeatMs)
        .put("timestamp", now.toString());
  }

  public static JsonObject authenticated(Object id, String user) {
    return withId(new JsonObject().put("type", FrameTypes.AUTHENTICATED), id).put("user", user);
  }

  public static JsonObject pong(Object id, Instant now) {
    return withId(new JsonObject().put("type", FrameTypes.PONG), id)
        .put("timestamp", now.toString());
  }

  public static JsonObject subscribed(Object id, String channel) {
    return withId(new JsonObject().put("type", FrameTypes.SUBSCRIBED), id).put("channel", channel);
  }

  public static JsonObject unsubscribed(Object id, String channel) {
    return withId(new JsonObject().put("type", FrameTypes.UNSUBSCRIBED), id)
        .put("channel", channel);
  }

  /** A subscription the server ended, with why; no {@code id}: no client frame asked for it. */
  public static JsonObject unsubscribed(String channel, UnsubscribeReason reason) {
    return unsubscribed(null, channel).put("reason", reason.wire());
  }

  /**
   * A history channel's epoch changed under a live subscription (docs/protocol.md section 4): what
   * follows continues from {@code offset} in the new epoch, not from what the client held.
   */
  public static JsonObject epochChanged(String channel, long offset, String epoch) {
    return subscribed(null, channel)
        .put("offset", offset)
        .put("epoch", epoch)
        .put("recovered", false);
  }

  /** An ack; offset and epoch only for channels with history (null: left out). */
  public static JsonObject ack(Object id, Long offset, String epoch) {
    JsonObject ack = withId(new JsonObject().put("type", FrameTypes.ACK), id);
    if (offset != null) {
      ack.put("offset", offset).put("epoch", epoch);
    }
    return ack;
  }

  public static JsonObject error(Object id, ErrorCode code, String message) {
    return withId(new JsonObject().put("type", FrameTypes.ERROR), id)
        .put("code", code.wire())
        .put("message", message);
  }

  public static JsonObject reconnect() {
    return new JsonObject().put("type", FrameTypes.RECONNECT);
  }

  /** A reply of this type to the frame with this id, carrying the body's fields. */
  public static JsonObject reply(String type, Object id, JsonObject body) {
    return withId(new JsonObject().put("type", type), id).mergeIn(body);
  }

  /** The body of an HTTP error: {@code {"code":...,"message":...}}. */
  public static JsonObject httpError(ErrorCode code, String message) {
    return new JsonObject().put("code", code.wire()).put("message", message);
  }

  private static JsonObject withId(JsonObject frame, Object id) {
    if (id != null) {
      frame.put("id", id);
    }
    return frame;
  }
}
