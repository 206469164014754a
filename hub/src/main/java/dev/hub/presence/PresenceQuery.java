package dev.hub.presence;

import dev.hub.config.ChannelOptions;
import dev.hub.config.HubConfig;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A channel's presence as JSON, for the {@code presence} frame and
 * {@code GET /api/channels/{channel}/presence}:
 * {@code {"channel","users":[{"user","connections"}],"count"}}; an anonymous user is null.
 */
public final class PresenceQuery {
  private final PresenceStore store;
  private final HubConfig config;

  public PresenceQuery(PresenceStore store, HubConfig config) {
    this.store = store;
    this.config = config;
  }

  /** Fails with {@code invalid_frame} for a channel that keeps no presence. */
  public Future<JsonObject> query(String channel) {
    ChannelOptions options = config.channelOptions(channel);
    if (options == null || !options.presence()) {
      return Future.failedFuture(
          new HubException(ErrorCode.INVALID_FRAME, "no presence is kept for " + channel));
    }
    return store.users(channel).map(users -> json(channel, users));
  }

  private static JsonObject json(String channel, Map<String, Integer> users) {
    JsonArray list = new JsonArray();
    users.forEach((user, connections) -> list.add(new JsonObject()
        .put("user", user.isEmpty() ? null : user)
        .put("connections", connections)));
    return new JsonObject().put("channel", channel).put("users", list).put("count", users.size());
  }
}
