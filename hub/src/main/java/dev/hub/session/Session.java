package dev.hub.session;

import dev.hub.auth.Identity;
import dev.hub.config.ChannelOptions;
import dev.hub.history.ChannelAdmission;
import dev.hub.presence.PresenceEntry;
import dev.hub.presence.PresenceEvents;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.protocol.UnsubscribeReason;
import dev.hub.routing.Audience;
import dev.hub.routing.FanoutEvent;
import dev.hub.routing.Recipient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's protocol state: who it is, what it is subscribed to, and the dispatch of its
 * frames to one handler per type. Runs on its connection's event loop only.
 */
public final class Session implements Recipient {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final String connectionId;
  private final Outbound out;
  private final SessionServices services;
  private final Set<String> channels = new LinkedHashSet<>();
  private final Map<String, ChannelStream> streams = new HashMap<>();
  /** Presence channels of this connection, with the recording of its entry there (a removal waits for it). */
  private final Map<String, Future<Void>> presenceChannels = new HashMap<>();

  private final ChannelAdmission admission;
  private int rpcInFlight;
  /** Frames handled whose reply has not been sent yet: a graceful stop waits for them. */
  private int inFlight;

  private boolean draining;
  private Promise<Void> settled;
  private Identity identity;
  private boolean closed;

  /**
   * @param identity who the connection is, or null until it sends an {@code auth} frame
   */
  public Session(String connectionId, Identity identity, Outbound out, SessionServices services) {
    this.connectionId = connectionId;
    this.identity = identity;
    this.out = out;
    this.services = services;
    this.admission =
        new NewChannelBudget(services.limits().newChannelsPerSecond(), System::nanoTime);
  }

  /** Sends {@code connected} and makes the connection reachable by broadcasts and direct events. */
  public void open() {
    if (identity != null) {
      services.registry().addConnection(this, identity.user());
    }
    out.send(ServerFrames.connected(
        connectionId,
        services.nodeId(),
        user(),
        services.heartbeatMs(),
        services.clock().instant()));
  }

  public void handle(ClientFrame frame) {
    if (closed) {
      return;
    }
    if (draining) {
      fail(
          frame.id(),
          new HubException(
              ErrorCode.UNAVAILABLE, "the node is shutting down; reconnect to another node"));
      return;
    }
    inFlight++;
    Future<JsonObject> reply;
    try {
      reply = dispatch(frame);
    } catch (HubException e) {
      reply = Future.failedFuture(e);
    } catch (RuntimeException e) {
      log.error(
          "connection {}: internal error handling {}",
          connectionId,
          frame.getClass().getSimpleName(),
          e);
      reply = Future.failedFuture(new HubException(ErrorCode.INTERNAL, "internal error"));
    }
    reply.onComplete(result -> {
      if (!closed) {
        if (result.succeeded()) {
          if (result.result() != null) {
            out.send(result.result());
          }
        } else {
          fail(frame.id(), result.cause());
        }
      }
      // After the reply is written: a draining connection sends reconnect only behind it.
      requestDone();
    });
  }

  private void requestDone() {
    inFlight--;
    if (inFlight == 0 && settled != null) {
      settled.tryComplete();
    }
  }

  /**
   * Graceful stop: from now on every frame is refused with {@code unavailable}, so nothing new
   * starts; the requests already in flight go on.
   *
   * @return completes once each of them has sent its reply (an {@code ack} of a publish whose
   *     history append was under way, for one), or the connection closed; at once when none is in
   *     flight. The caller bounds the wait.
   */
  public Future<Void> drain() {
    draining = true;
    if (inFlight == 0 || closed) {
      return Future.succeededFuture();
    }
    if (settled == null) {
      settled = Promise.promise();
    }
    return settled.future();
  }

  private Future<JsonObject> dispatch(ClientFrame frame) {
    if (identity == null
        && !(frame instanceof ClientFrame.Auth)
        && !(frame instanceof ClientFrame.Ping)) {
      throw new HubException(ErrorCode.UNAUTHORIZED, "send an auth frame first");
    }
    if (frame instanceof ClientFrame.Ping ping) {
      return Handlers.PING.handle(this, ping);
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      return Handlers.SUBSCRIBE.handle(this, subscribe);
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      return Handlers.UNSUBSCRIBE.handle(this, unsubscribe);
    } else if (frame instanceof ClientFrame.Publish publish) {
      return Handlers.PUBLISH.handle(this, publish);
    } else if (frame instanceof ClientFrame.Broadcast broadcast) {
      return Handlers.BROADCAST.handle(this, broadcast);
    } else if (frame instanceof ClientFrame.Direct direct) {
      return Handlers.DIRECT.handle(this, direct);
    } else if (frame instanceof ClientFrame.Echo echo) {
      return Handlers.ECHO.handle(this, echo);
    } else if (frame instanceof ClientFrame.Auth auth) {
      return Handlers.AUTH.handle(this, auth);
    } else if (frame instanceof ClientFrame.History history) {
      return Handlers.HISTORY.handle(this, history);
    } else if (frame instanceof ClientFrame.Presence presence) {
      return Handlers.PRESENCE.handle(this, presence);
    }
    return Handlers.RPC.handle(this, (ClientFrame.Rpc) frame);
  }

  /**
   * Sends the error frame for a failure and closes the connection when its code says so. Anything
   * but a {@link HubException} is a bug: logged with the connection id, reported as {@code internal}.
   */
  public void fail(Object requestId, Throwable failure) {
    HubException error;
    if (failure instanceof HubException hub) {
      error = hub;
    } else {
      log.error("connection {}: internal error", connectionId, failure);
      error = new HubException(ErrorCode.INTERNAL, "internal error");
    }
    Object id = error.requestId() != null ? error.requestId() : requestId;
    out.send(ServerFrames.error(id, error.code(), error.getMessage()));
    int close = error.code().closeCode();
    // Rate limiting closes only when the client goes on; the transport decides that.
    if (close != CloseCode.NONE && error.code() != ErrorCode.RATE_LIMITED) {
      out.close(close, error.code().wire());
    }
  }

  /**
   * Forgets the connection everywhere. Idempotent: called once the socket is closed, however.
   *
   * @return completes when its presence entries are gone and their leaves announced, so a node
   *     that stops gracefully can wait for them before it leaves the cluster
   */
  public Future<Void> closed() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    if (settled != null) {
      settled.tryComplete();
    }
    List<Future<Void>> leaves = new ArrayList<>();
    for (String channel : List.copyOf(channels)) {
      leaves.add(unsubscribe(channel));
    }
    if (identity != null) {
      services.registry().removeConnection(this, identity.user());
    }
    return Future.join(leaves).mapEmpty();
  }

  @Override
  public void deliver(FanoutEvent event) {
    ChannelStream stream = event.hasOffset() && event.audience() instanceof Audience.Channel channel
        ? streams.get(channel.name())
        : null;
    if (stream != null) {
      stream.offer(event);
    } else {
      write(event);
    }
  }

  /**
   * The channel's ordered stream broke (a gap the history can no longer fill, or a replay that
   * could not go on): the subscription ends and the client is told to subscribe again with
   * {@code since}, which recovers what is still there and says what is not.
   */
  @Override
  public void streamBroken(String channel) {
    if (!closed && streams.containsKey(channel) && removeSubscription(channel)) {
      out.send(ServerFrames.unsubscribed(channel, UnsubscribeReason.OVERFLOW));
    }
  }

  /** A catch-up that failed after {@code subscribed} was sent. */
  void streamFailed(String channel, Throwable failure) {
    if (failure instanceof HubException hub && hub.code() == ErrorCode.SLOW_CONSUMER) {
      fail(null, hub);
    } else {
      streamBroken(channel);
    }
  }

  boolean writable() {
    return out.writable();
  }

  Future<Void> whenWritable() {
    return out.whenWritable();
  }

  /** Decides, for this connection, whether a publish may start a new channel with history now. */
  ChannelAdmission channelAdmission() {
    return admission;
  }

  void write(FanoutEvent event) {
    out.sendEncoded(event.bytes(), event.binary());
  }

  void write(Buffer bytes, boolean binary) {
    if (!closed) {
      out.sendEncoded(bytes, binary);
    }
  }

  /** Sends a reply now, ahead of events that follow it (a subscribe's replay). */
  void reply(JsonObject frame) {
    if (!closed) {
      out.send(frame);
    }
  }

  boolean isSubscribed(String channel) {
    return channels.contains(channel);
  }

  int subscriptionCount() {
    return channels.size();
  }

  /**
   * Joins a channel on this node. For a channel with history the stream only collects events until
   * the subscribe calls {@link ChannelStream#start}.
   *
   * @return the channel's stream when it keeps history, else null
   */
  ChannelStream addSubscription(String channel, ChannelOptions options) {
    if (!channels.add(channel)) {
      return streams.get(channel);
    }
    ChannelStream stream = null;
    if (options != null && options.hasHistory()) {
      stream = new ChannelStream(channel, this);
      streams.put(channel, stream);
    }
    services.registry().subscribe(channel, this);
    return stream;
  }

  boolean removeSubscription(String channel) {
    if (!channels.contains(channel)) {
      return false;
    }
    unsubscribe(channel);
    return true;
  }

  /** Leaves a subscribed channel; completes when its presence entry (if any) is gone. */
  private Future<Void> unsubscribe(String channel) {
    channels.remove(channel);
    services.registry().unsubscribe(channel, this);
    ChannelStream stream = streams.remove(channel);
    if (stream != null) {
      stream.close();
    }
    Future<Void> joined = presenceChannels.remove(channel);
    return joined == null ? Future.succeededFuture() : leavePresence(channel, joined);
  }

  /** Records this connection in the channel's presence, and announces the user if it is new there. */
  Future<Void> joinPresence(String channel) {
    Future<Void> joined = services.presence().add(channel, presenceEntry()).map(change -> {
      presenceEvents().announce(change);
      return null;
    });
    presenceChannels.put(channel, joined);
    return joined;
  }

  /**
   * Removes the entry once its recording is done, whatever its outcome: a removal that overtook
   * the recording would leave the entry behind for good.
   */
  private Future<Void> leavePresence(String channel, Future<Void> joined) {
    return joined
        .<Void>eventually(
            () -> services.presence().remove(channel, presenceEntry()).map(change -> {
              presenceEvents().announce(change);
              return null;
            }))
        .recover(e -> {
          log.warn(
              "connection {}: presence of {} not removed: {}", connectionId, channel, e.toString());
          return Future.succeededFuture();
        });
  }

  private PresenceEvents presenceEvents() {
    return new PresenceEvents(services.publisher(), services.config());
  }

  private PresenceEntry presenceEntry() {
    return new PresenceEntry(user() == null ? "" : user(), connectionId, services.nodeId());
  }

  /** Counts an rpc in flight; false when the connection already has as many as it may. */
  boolean startRpc(int limit) {
    if (rpcInFlight >= limit) {
      return false;
    }
    rpcInFlight++;
    return true;
  }

  void endRpc() {
    rpcInFlight--;
  }

  /**
   * Takes a new identity from an {@code auth} frame: the first one makes the connection reachable,
   * a later one (a token refresh) replaces the grants and the expiry.
   */
  void authenticated(Identity fresh) {
    if (!out.identified(fresh)) {
      throw new HubException(
          ErrorCode.TOO_MANY_CONNECTIONS, "too many connections for user " + fresh.user());
    }
    if (identity == null) {
      services.registry().addConnection(this, fresh.user());
    }
    identity = fresh;
  }

  /**
   * Ends every subscription the connection's grants no longer allow, after a token refresh, and
   * tells the client with {@code unsubscribed} and reason {@code forbidden} (docs/protocol.md
   * section 4). A subscribe still in flight is among them; it then fails with {@code forbidden}.
   */
  void endForbiddenSubscriptions() {
    for (String channel : List.copyOf(channels)) {
      if (!identity.grants().maySubscribe(channel)) {
        unsubscribe(channel);
        out.send(ServerFrames.unsubscribed(channel, UnsubscribeReason.FORBIDDEN));
      }
    }
  }

  public String connectionId() {
    return connectionId;
  }

  public Identity identity() {
    return identity;
  }

  public String user() {
    return identity == null ? null : identity.user();
  }

  SessionServices services() {
    return services;
  }

  public boolean isClosed() {
    return closed;
  }
}
