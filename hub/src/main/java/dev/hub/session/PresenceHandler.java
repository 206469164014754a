package dev.hub.session;

import dev.hub.presence.PresenceQuery;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameTypes;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code presence}: who is subscribed to a channel, cluster-wide. */
final class PresenceHandler implements FrameHandler<ClientFrame.Presence> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Presence frame) {
    if (!session.identity().grants().maySubscribe(frame.channel())) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to see " + frame.channel());
    }
    SessionServices services = session.services();
    return new PresenceQuery(services.presence(), services.config())
        .query(frame.channel())
        .map(presence -> ServerFrames.reply(FrameTypes.PRESENCE, frame.id(), presence));
  }
}
