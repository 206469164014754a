package dev.hub.session;

import dev.hub.config.ChannelOptions;
import dev.hub.history.HistoryPage;
import dev.hub.history.StoredEvent;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.EventBytes;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code subscribe}: checks the grants and the per-connection limit, joins the channel on this
 * node, records presence, and for a channel with history replies with the position, replays what
 * the client missed since {@code since}, then lets live events follow with no gap and no
 * duplicate. The reply comes only when all of that is done cluster-wide (routing needs nothing
 * cluster-wide; see {@link dev.hub.routing.ClusterBus}).
 */
final class SubscribeHandler implements FrameHandler<ClientFrame.Subscribe> {
  /** Events replayed at most by one subscribe; a channel's history is usually far smaller. */
  private static final int REPLAY_LIMIT = 100_000;

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
    ChannelOptions options = session.services().config().channelOptions(channel);
    ChannelStream stream = session.addSubscription(channel, options);
    Future<Void> presence = options != null && options.presence()
        ? session.joinPresence(channel) : Future.succeededFuture();
    return presence
        .compose(v -> stream == null
            ? Future.succeededFuture(plainReply(session, frame)) : startStream(session, frame, stream))
        .recover(failure -> {
          session.removeSubscription(channel);
          return Future.failedFuture(failure);
        });
  }

  private static JsonObject plainReply(Session session, ClientFrame.Subscribe frame) {
    requireStillAllowed(session, frame);
    JsonObject reply = ServerFrames.subscribed(frame.id(), frame.channel());
    return frame.since() == null ? reply : reply.put("recovered", false);
  }

  private static Future<JsonObject> startStream(Session session, ClientFrame.Subscribe frame, ChannelStream stream) {
    String channel = frame.channel();
    StreamPosition since = frame.since();
    if (since == null) {
      return session.services().history().latest(channel).map(latest -> {
        requireStillAllowed(session, frame);
        session.reply(positioned(frame, latest.offset(), latest.epoch()));
        stream.start(latest.offset(), latest.epoch());
        return null;
      });
    }
    return session.services().history().read(channel, since.offset(), REPLAY_LIMIT)
        .map(page -> replay(session, frame, stream, page));
  }

  /**
   * Replies, then writes the missed events, then starts the live stream after the last of them.
   * Everything runs on the connection's event loop, so no live event can slip in between.
   */
  private static JsonObject replay(Session session, ClientFrame.Subscribe frame, ChannelStream stream,
                                   HistoryPage page) {
    requireStillAllowed(session, frame);
    boolean recovered = page.complete() && page.epoch().equals(frame.since().epoch());
    session.reply(positioned(frame, page.latest(), page.epoch()).put("recovered", recovered));
    long position = recovered ? frame.since().offset() : page.latest();
    if (recovered) {
      for (StoredEvent event : page.events()) {
        session.write(EventBytes.withPosition(event.bytes(), event.binary(), event.offset(), page.epoch()),
            event.binary());
        position = event.offset();
      }
    }
    stream.start(position, page.epoch());
    return null;
  }

  /**
   * A token refresh may land while the subscribe waits on the cluster: its grants are checked
   * again just before the reply, so a subscription the refresh ended is never confirmed.
   */
  private static void requireStillAllowed(Session session, ClientFrame.Subscribe frame) {
    if (!session.identity().grants().maySubscribe(frame.channel())) {
      throw new HubException(ErrorCode.FORBIDDEN, "the token no longer allows " + frame.channel(), frame.id());
    }
  }

  private static JsonObject positioned(ClientFrame.Subscribe frame, long offset, String epoch) {
    return ServerFrames.subscribed(frame.id(), frame.channel()).put("offset", offset).put("epoch", epoch);
  }
}
