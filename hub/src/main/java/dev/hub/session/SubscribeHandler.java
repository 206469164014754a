package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code subscribe}: checks the grants and the per-connection limit, then joins the channel on this
 * node. Nothing cluster-wide is needed (see {@link dev.hub.routing.ClusterBus}), so the reply means
 * every event published from now on reaches this connection.
 */
final class SubscribeHandler implements FrameHandler<ClientFrame.Subscribe> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Subscribe frame) {
    String channel = frame.channel();
    if (!session.identity().grants().maySubscribe(channel)) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to subscribe to " + channel);
    }
    if (session.isSubscribed(channel)) {
      return Future.succeededFuture(ServerFrames.subscribed(frame.id(), channel));
    }
    // Each subscription costs memory on the node; one connection must not take it all.
    int limit = session.services().limits().subscriptions();
    if (session.subscriptionCount() >= limit) {
      throw new HubException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + limit + " subscriptions per connection");
    }
    session.addSubscription(channel);
    return Future.succeededFuture(ServerFrames.subscribed(frame.id(), channel));
  }
}
