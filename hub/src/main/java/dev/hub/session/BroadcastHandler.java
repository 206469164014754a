package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.routing.Audience;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code broadcast} (and the shorthand without a channel): an event for every connection. */
final class BroadcastHandler implements FrameHandler<ClientFrame.Broadcast> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Broadcast frame) {
    if (!session.identity().grants().broadcast()) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to broadcast");
    }
    return session
        .services()
        .publisher()
        .publishFromClient(Audience.all(), frame.event(), session.user(), frame.payload())
        .map(receipt -> Acks.ackIfAsked(frame.id(), receipt));
  }
}
