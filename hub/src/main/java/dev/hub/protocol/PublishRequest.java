package dev.hub.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A server's publish request, the body of {@code POST /api/publish} and of a {@code hub.publish}
 * event-bus message (docs/protocol.md section 8): {@code {"channel":...,"event":...}},
 * {@code {"user":...,"event":...}} or {@code {"event":...}} for everyone.
 *
 * @param channel the channel, or null
 * @param user the user, or null
 * @param event the event, validated
 */
public record PublishRequest(String channel, String user, JsonObject event) {

  public static PublishRequest parse(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "the body is a JSON object with an \"event\"");
    }
    Object channel = json.getValue("channel");
    Object user = json.getValue("user");
    if (channel != null && user != null) {
      throw new HubException(ErrorCode.INVALID_FRAME, "give \"channel\" or \"user\", not both");
    }
    if (channel != null && !(channel instanceof String)) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"channel\" is a string");
    }
    if (user != null && (!(user instanceof String name) || name.isEmpty())) {
      throw new HubException(ErrorCode.INVALID_FRAME, "\"user\" is a non-empty string");
    }
    if (channel != null) {
      ChannelNames.require((String) channel);
    }
    return new PublishRequest(
        (String) channel, (String) user, Events.require(json.getValue("event"), null));
  }
}
