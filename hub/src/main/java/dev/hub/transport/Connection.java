package dev.hub.transport;

import dev.hub.auth.Identity;
import dev.hub.config.LimitsConfig;
import dev.hub.internals.NettyInternals;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.BinaryFrameCodec;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameCodec;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.session.Outbound;
import dev.hub.session.Session;
import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One WebSocket: enforces the frame size, message rate and outbound buffer limits, the auth
 * timeout, the per-user and unauthenticated connection limits and the token's expiry; decodes
 * text frames for its {@link Session}, and writes what the session sends. Runs on one event loop;
 * its {@link ChannelGuard} reports what happens below Vert.x.
 */
public final class Connection implements Outbound {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final long CLOSE_GRACE_MS = 2_000;

  private final ServerWebSocket ws;
  private final LimitsConfig limits;
  private final LongSupplier nanoClock;
  private final RateLimiter rateLimiter;
  private final Vertx vertx;
  private final AuthDeadlines deadlines;
  private final Channel channel;
  private final MessageAssembler assembler;
  private final HubMetrics metrics;
  private final Context context;
  private final OutboundBytes outbound;
  private final ConnectionPlaces places;
  private Session session;
  private long lastHeardNanos;
  private boolean closing;
  private boolean closed;
  private boolean draining;
  private Integer sentCloseCode;

  /**
   * @param channel the socket's Netty channel, to close it when a graceful close cannot get
   *     through; null when it cannot be had (then only the graceful close is tried)
   */
  Connection(
      ServerWebSocket ws,
      Channel channel,
      LimitsConfig limits,
      LongSupplier nanoClock,
      Vertx vertx,
      Clock clock,
      ConnectionGate gate,
      HubMetrics metrics) {
    this.channel = channel;
    this.metrics = metrics;
    this.assembler = new MessageAssembler(limits.frameBytes());
    this.ws = ws;
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.vertx = vertx;
    this.deadlines = new AuthDeadlines(vertx, clock);
    this.places = new ConnectionPlaces(gate);
    this.lastHeardNanos = nanoClock.getAsLong();
    this.rateLimiter = new RateLimiter(limits.ratePerSecond(), limits.burst(), lastHeardNanos);
    // Created on the socket's event loop, in the request's handler: this is the socket's context.
    this.context = vertx.getOrCreateContext();
    this.outbound = new OutboundBytes(ws, channel, limits.outboundBytes(), gate, context);
  }

  /** Starts reading frames for the session; {@code onClosed} runs once the socket is closed. */
  void bind(Session session, Handler<Void> onClosed) {
    this.session = session;
    ws.frameHandler(frame -> inLogContext(() -> onFrame(frame)));
    ws.pongHandler(data -> heard());
    ws.exceptionHandler(e -> log.debug("connection {}: {}", session.connectionId(), e.toString()));
    if (channel != null) {
      ChannelGuard.install(channel, new ChannelEvents());
    }
    ws.closeHandler(v -> inLogContext(() -> {
      closing = true;
      closed = true;
      deadlines.cancelAll();
      places.releaseAll();
      outbound.closed();
      // Closed only once the session's presence is cleared: a draining node waits for that.
      session.closed().onComplete(done -> onClosed.handle(null));
    }));
  }

  /**
   * A connection that came without a token takes a place among the unauthenticated connections of
   * its address and of the node, and gets {@code authTimeout} to send its {@code auth} frame;
   * otherwise it could hold a socket (and a place in the node's limit) for free.
   *
   * @param address the client's address, as the socket's peer
   * @return false when its address or the node has no place left: refuse the connection
   */
  boolean awaitAuth(String address) {
    if (!places.takeUnauthenticated(address)) {
      return false;
    }
    deadlines.awaitAuth(limits.authTimeoutMs(), () -> {
      if (!closing && session.identity() == null) {
        session.fail(
            null,
            new HubException(
                ErrorCode.UNAUTHORIZED, "no auth frame within " + limits.authTimeoutMs() + " ms"));
      }
    });
    return true;
  }

  /**
   * Counts the user against the per-user limit (its first identity only) and arms the token's
   * expiry: {@code token_expired} and 4403, unless a fresh {@code auth} frame re-arms it first.
   */
  @Override
  public boolean identified(Identity identity) {
    if (!places.takeUser(identity.user())) {
      return false;
    }
    deadlines.identified(identity, () -> {
      if (!closing) {
        session.fail(
            null,
            new HubException(
                ErrorCode.TOKEN_EXPIRED,
                "the token expired; send a fresh auth frame before it does"));
      }
    });
    return true;
  }

  private void onFrame(WebSocketFrame frame) {
    heard();
    if (frame.isPing() || frame.type() == WebSocketFrameType.PONG) {
      onControlFrame(frame);
      return;
    }
    if (closing) {
      return;
    }
    MessageAssembler.Outcome outcome = assembler.add(frame);
    if (outcome instanceof MessageAssembler.Text text) {
      if (admit(text.bytes())) {
        decodeAndHandle(() -> FrameCodec.decode(text.text()));
      }
    } else if (outcome instanceof MessageAssembler.Binary binary) {
      if (admit(binary.data().length())) {
        decodeAndHandle(() -> BinaryFrameCodec.decode(binary.data()));
      }
    } else if (outcome instanceof MessageAssembler.TooLarge) {
      session.fail(null, tooLarge());
    } else if (outcome instanceof MessageAssembler.InvalidUtf8) {
      // RFC 6455 section 8.1: a text message that is not UTF-8 fails the connection with 1007.
      session.fail(
          null, new HubException(ErrorCode.INVALID_FRAME, "text frames must be valid UTF-8"));
      close(CloseCode.INVALID_PAYLOAD, "invalid UTF-8");
    }
  }

  /**
   * Pings and pongs count against the message rate like any frame. Vert.x has answered a ping
   * with a pong before this runs; the pong's bytes are in the channel's outbound buffer, and a
   * peer that does not read them is closed by the {@link ChannelGuard}'s report.
   */
  private void onControlFrame(WebSocketFrame frame) {
    if (frame.isPing()) {
      outbound.recordPeak();
    }
    if (!closing) {
      withinRate();
    }
  }

  private void decodeAndHandle(Supplier<ClientFrame> decoder) {
    ClientFrame frame;
    try {
      frame = decoder.get();
    } catch (HubException e) {
      session.fail(e.requestId(), e);
      return;
    }
    session.handle(frame);
  }

  /**
   * The limits every whole message passes, text or binary: size (already enforced while its
   * frames arrived; checked again here so the rule reads in one place), then rate. Refused
   * messages get their error here; false means drop the message.
   */
  private boolean admit(long bytes) {
    if (bytes > limits.frameBytes()) {
      session.fail(null, tooLarge());
      return false;
    }
    return withinRate();
  }

  private HubException tooLarge() {
    return new HubException(
        ErrorCode.TOO_LARGE, "frames are at most " + limits.frameBytes() + " bytes");
  }

  /** Takes a frame from the rate limiter; refused frames get their error here, and false. */
  private boolean withinRate() {
    RateLimiter.Verdict verdict = rateLimiter.check(nanoClock.getAsLong());
    if (verdict == RateLimiter.Verdict.ALLOW) {
      return true;
    }
    metrics.frameRateLimited();
    session.fail(
        null,
        new HubException(
            ErrorCode.RATE_LIMITED, "over " + limits.ratePerSecond() + " messages per second"));
    if (verdict == RateLimiter.Verdict.CLOSE) {
      close(CloseCode.POLICY_VIOLATION, "rate limit");
    }
    return false;
  }

  @Override
  public void send(JsonObject frame) {
    Buffer encoded = frame.toBuffer();
    metrics.frameSent(encoded.length());
    write(encoded, false, false);
  }

  @Override
  public void sendEncoded(Buffer encodedFrame, boolean binary) {
    write(encodedFrame, binary, true);
  }

  /**
   * Writes unless the client has stopped reading: a connection whose unwritten bytes would pass
   * {@code outboundBytes} is closed as a slow consumer, so what one client does not read never
   * holds more of the node's memory than that (or one frame, when a single frame is larger).
   */
  private void write(Buffer bytes, boolean binary, boolean shared) {
    // Once the client's close frame is in, the socket counts as closed but its close handler (which
    // sets closing) has not run yet; writeQueueFull() would throw, and the throw would cut short
    // the fan-out loop delivering this event to the other connections of the event loop.
    if (closing || ws.isClosed()) {
      return;
    }
    if (outbound.wouldPass(bytes.length())) {
      closeSlowConsumer();
      return;
    }
    outbound.write(bytes, binary, shared);
  }

  private void closeSlowConsumer() {
    Buffer error = ServerFrames.error(
            null,
            ErrorCode.SLOW_CONSUMER,
            "outbound buffer over " + limits.outboundBytes() + " bytes")
        .toBuffer();
    outbound.write(error, false, false);
    close(CloseCode.SLOW_CONSUMER, ErrorCode.SLOW_CONSUMER.wire());
  }

  @Override
  public boolean writable() {
    return !closing && outbound.underHalf();
  }

  @Override
  public Future<Void> whenWritable() {
    return closing ? Future.failedFuture("the connection is closing") : outbound.whenUnderHalf();
  }

  /** The peer stopped reading: the outbound buffer passed {@code outboundBytes}, whatever filled it. */
  private void onPeerNotReading() {
    if (!closing && !ws.isClosed()) {
      closeSlowConsumer();
    }
  }

  /** The decoder refused a frame: too large (over twice the limit), or not RFC 6455. */
  private void onFrameRefused(int code) {
    if (closing) {
      return;
    }
    if (code == CloseCode.MESSAGE_TOO_BIG) {
      session.fail(null, tooLarge());
    } else {
      close(code, "invalid frame");
    }
  }

  /** The guard's events, taken onto the socket's context as every other event of the connection. */
  private final class ChannelEvents implements ChannelGuard.Listener {
    @Override
    public void peerNotReading() {
      context.runOnContext(v -> inLogContext(Connection.this::onPeerNotReading));
    }

    @Override
    public void frameRefused(int closeCode) {
      context.runOnContext(v -> inLogContext(() -> onFrameRefused(closeCode)));
    }
  }

  @Override
  public void close(int code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    sentCloseCode = code;
    if (code == CloseCode.UNAUTHORIZED || code == CloseCode.TOKEN_EXPIRED) {
      // A token refused after the upgrade: an auth frame, or expiry on a live connection.
      ErrorCode error =
          code == CloseCode.UNAUTHORIZED ? ErrorCode.UNAUTHORIZED : ErrorCode.TOKEN_EXPIRED;
      metrics.authFailure("connection", error.wire());
    }
    ws.close((short) code, reason);
    // Vert.x queues the close frame (and the TCP close after it) behind whatever the client has
    // not read, so a client that reads nothing would keep its socket and buffer forever; its
    // own shutdown timeout waits in the same queue. After a grace period the channel is closed
    // under Vert.x, which discards the unread bytes and runs the close handler.
    if (channel != null) {
      vertx.setTimer(CLOSE_GRACE_MS, id -> {
        if (!closed && channel.isOpen()) {
          log.debug(
              "connection {}: closing the TCP connection, the close frame did not get out",
              session.connectionId());
          // Not channel.close(): that passes through Vert.x's handler, which queues it again.
          NettyInternals.closeUnderneath(channel);
        }
      });
    }
  }

  /** The code this side closed with, else the client's; null when the socket ended without one. */
  Integer closeCode() {
    if (sentCloseCode != null) {
      return sentCloseCode;
    }
    Short received = ws.closeStatusCode();
    return received == null ? null : received.intValue();
  }

  /**
   * Runs connection work with the connection id in the logging context, so every line it logs,
   * the hub's or a library's, can be traced to the connection.
   */
  private void inLogContext(Runnable work) {
    MDC.put(LogKeys.CONNECTION, session.connectionId());
    try {
      work.run();
    } finally {
      MDC.remove(LogKeys.CONNECTION);
    }
  }

  /** Pings the client, or closes it when it has been silent for two intervals. */
  void heartbeat(long intervalNanos) {
    if (closing) {
      return;
    }
    if (nanoClock.getAsLong() - lastHeardNanos > 2 * intervalNanos) {
      close(CloseCode.GOING_AWAY, "heartbeat timeout");
      return;
    }
    ws.writePing(Buffer.buffer());
  }

  /**
   * Graceful stop: the session takes no new frames (it refuses them with {@code unavailable}) and
   * the requests already in flight send their replies, so a publish whose append was under way is
   * acked; then the client is told to reconnect elsewhere, and the socket closes with 1012.
   *
   * @param settleMs the longest the requests in flight may hold the connection open; a reply that
   *     comes later is not sent
   */
  void drain(long settleMs) {
    if (closing || ws.isClosed() || draining) {
      return;
    }
    draining = true;
    Future<Void> settled = session.drain();
    if (settled.isComplete() || settleMs <= 0) {
      reconnectAndClose();
      return;
    }
    long timer = vertx.setTimer(settleMs, id -> inLogContext(this::reconnectAndClose));
    settled.onComplete(done -> {
      vertx.cancelTimer(timer);
      inLogContext(this::reconnectAndClose);
    });
  }

  private void reconnectAndClose() {
    if (closing || ws.isClosed()) {
      return;
    }
    send(ServerFrames.reconnect());
    close(CloseCode.SERVICE_RESTART, "node shutting down");
  }

  Session session() {
    return session;
  }

  private void heard() {
    lastHeardNanos = nanoClock.getAsLong();
  }
}
