package dev.hub.transport;

import dev.hub.auth.Identity;
import dev.hub.config.LimitsConfig;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameCodec;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.session.Outbound;
import dev.hub.session.Session;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket: enforces the frame size, message rate and outbound buffer limits, the auth
 * timeout, the per-user connection limit and the token's expiry; decodes text frames for its
 * {@link Session}, and writes what the session sends. Runs on one event loop.
 */
public final class Connection implements Outbound {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final long NO_TIMER = -1;

  private final ServerWebSocket ws;
  private final LimitsConfig limits;
  private final LongSupplier nanoClock;
  private final RateLimiter rateLimiter;
  private final Vertx vertx;
  private final Clock clock;
  private final ConnectionGate gate;
  private Session session;
  private long lastHeardNanos;
  private boolean closing;
  private String countedUser;
  private long authTimer = NO_TIMER;
  private long expiryTimer = NO_TIMER;

  Connection(ServerWebSocket ws, LimitsConfig limits, LongSupplier nanoClock, Vertx vertx, Clock clock,
             ConnectionGate gate) {
    this.ws = ws;
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.vertx = vertx;
    this.clock = clock;
    this.gate = gate;
    this.lastHeardNanos = nanoClock.getAsLong();
    this.rateLimiter = new RateLimiter(limits.ratePerSecond(), limits.burst(), lastHeardNanos);
    // Netty stops calling the socket writable past this many queued bytes; see sendEncoded.
    ws.setWriteQueueMaxSize(limits.outboundBytes());
  }

  /** Starts reading frames for the session; {@code onClosed} runs once the socket is closed. */
  void bind(Session session, Handler<Void> onClosed) {
    this.session = session;
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(data -> {
      heard();
      session.fail(null, new HubException(ErrorCode.INVALID_FRAME, "binary frames are not served by this version"));
    });
    ws.pongHandler(data -> heard());
    ws.exceptionHandler(e -> log.debug("connection {}: {}", session.connectionId(), e.toString()));
    ws.closeHandler(v -> {
      closing = true;
      cancelTimers();
      if (countedUser != null) {
        gate.leaveUser(countedUser);
      }
      session.closed();
      onClosed.handle(null);
    });
  }

  /**
   * A connection that came without a token gets {@code authTimeout} to send its {@code auth}
   * frame; otherwise it could hold a socket (and a place in the node's limit) for free.
   */
  void awaitAuth() {
    authTimer = vertx.setTimer(limits.authTimeoutMs(), id -> {
      authTimer = NO_TIMER;
      if (!closing && session.identity() == null) {
        session.fail(null, new HubException(ErrorCode.UNAUTHORIZED,
            "no auth frame within " + limits.authTimeoutMs() + " ms"));
      }
    });
  }

  @Override
  public boolean identified(Identity identity) {
    if (countedUser == null && identity.user() != null) {
      if (!gate.tryEnterUser(identity.user())) {
        return false;
      }
      countedUser = identity.user();
    }
    if (authTimer != NO_TIMER) {
      vertx.cancelTimer(authTimer);
      authTimer = NO_TIMER;
    }
    armExpiry(identity);
    return true;
  }

  /**
   * Closes the connection with {@code token_expired} and 4403 when its token expires, unless a
   * fresh {@code auth} frame replaced it first (each identity re-arms the timer).
   */
  private void armExpiry(Identity identity) {
    if (expiryTimer != NO_TIMER) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = NO_TIMER;
    }
    if (identity.expiresAt() == null) {
      return;
    }
    long delayMs = Math.max(1, identity.expiresAt().toEpochMilli() - clock.millis());
    expiryTimer = vertx.setTimer(delayMs, id -> {
      expiryTimer = NO_TIMER;
      if (!closing) {
        session.fail(null, new HubException(ErrorCode.TOKEN_EXPIRED,
            "the token expired; send a fresh auth frame before it does"));
      }
    });
  }

  private void cancelTimers() {
    if (authTimer != NO_TIMER) {
      vertx.cancelTimer(authTimer);
    }
    if (expiryTimer != NO_TIMER) {
      vertx.cancelTimer(expiryTimer);
    }
    authTimer = NO_TIMER;
    expiryTimer = NO_TIMER;
  }

  private void onText(String text) {
    heard();
    if (closing) {
      return;
    }
    if (utf8Length(text) > limits.frameBytes()) {
      session.fail(null, new HubException(ErrorCode.TOO_LARGE, "frames are at most " + limits.frameBytes() + " bytes"));
      return;
    }
    RateLimiter.Verdict verdict = rateLimiter.check(nanoClock.getAsLong());
    if (verdict != RateLimiter.Verdict.ALLOW) {
      String message = "over " + limits.ratePerSecond() + " messages per second";
      session.fail(null, new HubException(ErrorCode.RATE_LIMITED, message));
      if (verdict == RateLimiter.Verdict.CLOSE) {
        close(CloseCode.POLICY_VIOLATION, "rate limit");
      }
      return;
    }
    try {
      session.handle(FrameCodec.decode(text));
    } catch (HubException e) {
      session.fail(e.requestId(), e);
    }
  }

  @Override
  public void send(JsonObject frame) {
    sendEncoded(frame.toBuffer());
  }

  /**
   * Writes unless the client has stopped reading: once more than {@code outboundBytes} wait in the
   * socket's queue it is closed as a slow consumer, so what one client does not read can never
   * grow the node's memory past that bound plus one frame. (Netty marks the channel unwritable
   * as soon as a write takes it over the high-water mark that {@code setWriteQueueMaxSize} sets,
   * so the check before each write sees every write before it.)
   */
  @Override
  public void sendEncoded(Buffer encodedFrame) {
    if (closing) {
      return;
    }
    if (ws.writeQueueFull()) {
      ws.writeFrame(SharedTextFrame.of(ServerFrames.error(null, ErrorCode.SLOW_CONSUMER,
          "outbound buffer over " + limits.outboundBytes() + " bytes").toBuffer()));
      gate.recordOutbound(bufferedBytes());
      gate.slowConsumerClosed();
      close(CloseCode.SLOW_CONSUMER, ErrorCode.SLOW_CONSUMER.wire());
      return;
    }
    ws.writeFrame(SharedTextFrame.of(encodedFrame));
    gate.recordOutbound(bufferedBytes());
  }

  /** Bytes written to this socket that the kernel has not taken yet: what a non-reader costs the heap. */
  long bufferedBytes() {
    if (!(ws instanceof WebSocketInternal internal)) {
      return 0;
    }
    ChannelOutboundBuffer buffer = internal.channelHandlerContext().channel().unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  @Override
  public void close(int code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    ws.close((short) code, reason);
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

  /** Graceful stop: tell the client to reconnect elsewhere, then close with 1012. */
  void drain() {
    if (closing) {
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

  /** UTF-8 length without encoding: the frame limit is in bytes, a String counts chars. */
  static long utf8Length(String text) {
    long count = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        count++;
      } else if (c < 0x800) {
        count += 2;
      } else if (Character.isHighSurrogate(c)) {
        count += 4;
        i++;
      } else {
        count += 3;
      }
    }
    return count;
  }
}
