package dev.hub.session;

import dev.hub.config.ChannelOptions;
import dev.hub.presence.PresenceView;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameTypes;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code presence}: who is subscribed to a channel, cluster-wide. */
final class PresenceHandler implements FrameHandler<ClientFrame.Presence> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Presence frame) {
    if (!session.identity().grants().maySubscribe(frame.channel())) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to see " + frame.channel());
    }
    ChannelOptions options = session.services().config().channelOptions(frame.channel());
    if (options == null || !options.presence()) {
      throw new HubException(ErrorCode.INVALID_FRAME, "no presence is kept for " + frame.channel());
    }
    return session.services().presence().users(frame.channel()).map(users -> {
      JsonObject reply = new JsonObject().put("type", FrameTypes.PRESENCE);
      if (frame.id() != null) {
        reply.put("id", frame.id());
      }
      return reply.mergeIn(PresenceView.json(frame.channel(), users));
    });
  }
}
