package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.routing.Audience;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code direct}: an event for every connection of one user, on any node. */
final class DirectHandler implements FrameHandler<ClientFrame.Direct> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Direct frame) {
    if (!session.identity().grants().mayDirect(frame.user())) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to send to user " + frame.user());
    }
    return session
        .services()
        .publisher()
        .publishFromClient(
            Audience.user(frame.user()), frame.event(), session.user(), frame.payload())
        .map(receipt -> Acks.ackIfAsked(frame.id(), receipt));
  }
}
