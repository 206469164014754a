package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code unsubscribe}: leaves a channel the connection is subscribed to. */
final class UnsubscribeHandler implements FrameHandler<ClientFrame.Unsubscribe> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Unsubscribe frame) {
    if (!session.removeSubscription(frame.channel())) {
      throw new HubException(ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + frame.channel());
    }
    return Future.succeededFuture(ServerFrames.unsubscribed(frame.id(), frame.channel()));
  }
}
