package dev.hub.session;

import dev.hub.config.ChannelOptions;
import dev.hub.history.HistoryStore;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * {@code subscribe}: checks the grants and the per-connection limit, joins the channel on this
 * node, records presence, and for a channel with history replies with the position, replays what
 * the client missed since {@code since} (paced, see {@link ChannelStream}), then lets live events
 * follow with no gap and no duplicate. The reply comes only when everything it states is known
 * cluster-wide (routing needs nothing cluster-wide; see {@link dev.hub.routing.ClusterBus}).
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
      throw new HubException(
          ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + limit + " subscriptions per connection");
    }
    ChannelOptions options = session.services().config().channelOptions(channel);
    ChannelStream stream = session.addSubscription(channel, options);
    Future<Void> presence = options != null && options.presence()
        ? session.joinPresence(channel)
        : Future.succeededFuture();
    return presence
        .compose(v -> stream == null
            ? Future.succeededFuture(plainReply(session, frame))
            : startStream(session, frame, stream))
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

  /**
   * Replies with the channel's position, then catches up. Without {@code since}, or when it cannot
   * be honoured (another epoch, out of retention), the stream starts at the newest event.
   */
  private static Future<JsonObject> startStream(
      Session session, ClientFrame.Subscribe frame, ChannelStream stream) {
    HistoryStore history = session.services().history();
    StreamPosition since = frame.since();
    return history.position(frame.channel()).compose(latest -> {
      requireStillAllowed(session, frame);
      if (since == null || !mayRecover(since, latest)) {
        session.reply(positioned(frame, latest, since == null ? null : false));
        follow(
            session,
            frame.channel(),
            stream.catchUp(latest.offset(), latest.epoch(), latest.offset(), null));
        return Future.succeededFuture();
      }
      return history
          .read(frame.channel(), since.offset(), ChannelStream.REPLAY_PAGE)
          .map(page -> {
            requireStillAllowed(session, frame);
            boolean recovered =
                page.complete() && (since.epoch() == null || since.epoch().equals(page.epoch()));

            session.reply(positioned(frame, latest, recovered));
            follow(
                session,
                frame.channel(),
                recovered
                    ? stream.catchUp(since.offset(), page.epoch(), latest.offset(), page)
                    : stream.catchUp(latest.offset(), latest.epoch(), latest.offset(), null));
            return null;
          });
    });
  }

  /**
   * A position can be recovered from within its own epoch, up to the newest event; a client that
   * held nothing ({@code offset 0} and no epoch) recovers from the channel's beginning.
   */
  private static boolean mayRecover(StreamPosition since, StreamPosition latest) {
    boolean fromStart = since.offset() == 0 && since.epoch() == null;
    return since.offset() <= latest.offset()
        && (fromStart || Objects.equals(since.epoch(), latest.epoch()));
  }

  /**
   * A token refresh may land while the subscribe waits on the cluster: its grants are checked
   * again just before the reply, so a subscription the refresh ended is never confirmed.
   */
  private static void requireStillAllowed(Session session, ClientFrame.Subscribe frame) {
    if (!session.identity().grants().maySubscribe(frame.channel())) {
      throw new HubException(
          ErrorCode.FORBIDDEN, "the token no longer allows " + frame.channel(), frame.id());
    }
  }

  /** A catch-up that fails after the reply ends the subscription, as a broken stream does. */
  private static void follow(Session session, String channel, Future<Void> catchUp) {
    catchUp.onFailure(failure -> session.streamFailed(channel, failure));
  }

  private static JsonObject positioned(
      ClientFrame.Subscribe frame, StreamPosition at, Boolean recovered) {
    JsonObject reply = ServerFrames.subscribed(frame.id(), frame.channel())
        .put("offset", at.offset())
        .put("epoch", at.epoch());
    return recovered == null ? reply : reply.put("recovered", recovered);
  }
}
