package dev.hub.presence;

import dev.hub.config.ChannelOptions;
import dev.hub.config.HubConfig;
import dev.hub.protocol.FrameTypes;
import dev.hub.routing.Audience;
import dev.hub.routing.Publisher;
import io.vertx.core.json.JsonObject;

/**
 * Tells a channel's subscribers, on every node, that a user joined or left it
 * ({@code {"type":"join"|"leave","channel","user"}}, docs/protocol.md section 4), for channels
 * configured with {@code joinLeave}. Whoever saw a change happen sends it: the session that added
 * or removed the connection, or the node that cleaned up after a departed member or a merge.
 */
public record PresenceEvents(Publisher publisher, HubConfig config) {

  public void announce(PresenceChange change) {
    ChannelOptions options = config.channelOptions(change.channel());
    if (options == null || !options.joinLeave()) {
      return;
    }
    if (change.joined()) {
      send(FrameTypes.JOIN, change);
    }
    if (change.left()) {
      send(FrameTypes.LEAVE, change);
    }
  }

  private void send(String type, PresenceChange change) {
    String user = change.user().isEmpty() ? null : change.user();
    publisher.notify(
        Audience.channel(change.channel()),
        new JsonObject().put("type", type).put("channel", change.channel()).put("user", user));
  }
}
