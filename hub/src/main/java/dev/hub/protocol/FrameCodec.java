package dev.hub.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Text frames to {@link ClientFrame} values. Pure: no I/O, no state. Every rule a frame breaks
 * becomes a {@link HubException} with the code docs/protocol.md section 5 lists and, when the frame's
 * {@code id} could be read, that id.
 */
public final class FrameCodec {

  private FrameCodec() {}

  public static ClientFrame decode(String text) {
    JsonObject frame = parseObject(text);
    Object id = readId(frame);
    Object type = frame.getValue("type");
    if (!(type instanceof String name)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "a frame needs a string \"type\"", id);
    }
    return switch (name) {
      case FrameTypes.AUTH -> new ClientFrame.Auth(id, requiredString(frame, "token", id));
      case FrameTypes.PING -> new ClientFrame.Ping(id);
      case FrameTypes.SUBSCRIBE ->
        new ClientFrame.Subscribe(id, channel(frame, id), since(frame, id));
      case FrameTypes.UNSUBSCRIBE -> new ClientFrame.Unsubscribe(id, channel(frame, id));
      case FrameTypes.PUBLISH ->
        new ClientFrame.Publish(
            id, channel(frame, id), Events.require(frame.getValue("event"), id));
      case FrameTypes.BROADCAST ->
        new ClientFrame.Broadcast(id, Events.require(frame.getValue("event"), id));
      case FrameTypes.DIRECT ->
        new ClientFrame.Direct(
            id, requiredString(frame, "user", id), Events.require(frame.getValue("event"), id));
      case FrameTypes.PRESENCE -> new ClientFrame.Presence(id, channel(frame, id));
      case FrameTypes.HISTORY ->
        new ClientFrame.History(id, channel(frame, id), since(frame, id), limit(frame, id));
      case FrameTypes.RPC ->
        new ClientFrame.Rpc(
            id, requiredString(frame, "address", id), frame.getValue("body"), timeout(frame, id));
      case FrameTypes.ECHO -> new ClientFrame.Echo(id, frame);
      default -> shorthandEvent(frame, name, id);
    };
  }

  /** The text as a JSON object, or {@code invalid_json} / {@code invalid_frame}. */
  public static JsonObject parseObject(String text) {
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      // Jackson's own limits (nesting depth, string length) land here too: the text is refused
      // before it can cost more than its size.
      throw new HubException(ErrorCode.INVALID_JSON, "the frame is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "a frame is a JSON object");
    }
    return object;
  }

  /**
   * A frame whose type is no client frame type is an event (the original clients' shorthand):
   * published to its {@code channel} when it has one, broadcast otherwise.
   */
  private static ClientFrame shorthandEvent(JsonObject frame, String type, Object id) {
    if (FrameTypes.SERVER_ONLY.contains(type)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"" + type + "\" is a server-only type", id);
    }
    JsonObject event = frame.copy();
    event.remove("id");
    Events.require(event, id);
    if (!frame.containsKey("channel")) {
      return new ClientFrame.Broadcast(id, event);
    }
    return new ClientFrame.Publish(id, channel(frame, id), event);
  }

  private static Object readId(JsonObject frame) {
    Object id = frame.getValue("id");
    if (id == null || id instanceof String || id instanceof Number) {
      return id;
    }
    throw new HubException(ErrorCode.INVALID_FRAME, "\"id\" is a string or a number");
  }

  private static String channel(JsonObject frame, Object id) {
    Object value = frame.getValue("channel");
    if (!(value instanceof String name)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"channel\" is a required string", id);
    }
    if (!ChannelNames.isValid(name)) {
      throw new HubException(
          ErrorCode.BAD_CHANNEL,
          "channel names are 1 to 255 characters of A-Z a-z 0-9 _ - . : @ /",
          id);
    }
    return name;
  }

  private static String requiredString(JsonObject frame, String field, Object id) {
    Object value = frame.getValue(field);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "\"" + field + "\" is a required non-empty string", id);
    }
    return text;
  }

  private static StreamPosition since(JsonObject frame, Object id) {
    Object value = frame.getValue("since");
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject since
        && since.getValue("offset") instanceof Number offset
        && since.getValue("epoch") instanceof String epoch) {
      return new StreamPosition(offset.longValue(), epoch);
    }
    throw new HubException(
        ErrorCode.INVALID_FRAME, "\"since\" is {\"offset\": number, \"epoch\": string}", id);
  }

  private static Integer limit(JsonObject frame, Object id) {
    Object value = frame.getValue("limit");
    if (value == null) {
      return null;
    }
    if (value instanceof Number limit
        && limit.longValue() > 0
        && limit.longValue() <= Integer.MAX_VALUE) {
      return limit.intValue();
    }
    throw new HubException(ErrorCode.INVALID_FRAME, "\"limit\" is a positive number", id);
  }

  private static Long timeout(JsonObject frame, Object id) {
    Object value = frame.getValue("timeout");
    if (value == null) {
      return null;
    }
    if (value instanceof Number timeout && timeout.longValue() > 0) {
      return timeout.longValue();
    }
    throw new HubException(
        ErrorCode.INVALID_FRAME, "\"timeout\" is a positive number of milliseconds", id);
  }
}
