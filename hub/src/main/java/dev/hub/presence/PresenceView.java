package dev.hub.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A channel's presence as JSON, for the {@code presence} frame and
 * {@code GET /api/channels/{channel}/presence}:
 * {@code {"channel","users":[{"user","connections"}],"count"}}; an anonymous user is null.
 */
public final class PresenceView {
  private PresenceView() {
  }

  public static JsonObject json(String channel, Map<String, Integer> users) {
    JsonArray list = new JsonArray();
    users.forEach((user, connections) ->
        list.add(new JsonObject().put("user", user.isEmpty() ? null : user).put("connections", connections)));
    return new JsonObject().put("channel", channel).put("users", list).put("count", users.size());
  }
}
