package dev.hub.transport;

import dev.hub.config.LimitsConfig;
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
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One WebSocket: enforces the frame size, message rate and outbound buffer limits, decodes text
 * frames for its {@link Session}, and writes what the session sends. Runs on one event loop.
 */
public final class Connection implements Outbound {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final ServerWebSocket ws;
  private final LimitsConfig limits;
  private final LongSupplier nanoClock;
  private final RateLimiter rateLimiter;
  private final HubMetrics metrics;
  private Session session;
  private long lastHeardNanos;
  private boolean closing;
  private Integer sentCloseCode;

  Connection(ServerWebSocket ws, LimitsConfig limits, LongSupplier nanoClock, HubMetrics metrics) {
    this.ws = ws;
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.metrics = metrics;
    this.lastHeardNanos = nanoClock.getAsLong();
    this.rateLimiter = new RateLimiter(limits.ratePerSecond(), limits.burst(), lastHeardNanos);
    // Netty stops calling the socket writable past this many queued bytes; see sendEncoded.
    ws.setWriteQueueMaxSize(limits.outboundBytes());
  }

  /** Starts reading frames for the session; {@code onClosed} runs once the socket is closed. */
  void bind(Session session, Handler<Void> onClosed) {
    this.session = session;
    ws.textMessageHandler(text -> inLogContext(() -> onText(text)));
    ws.binaryMessageHandler(data -> inLogContext(() -> {
      if (admit(data.length())) {
        decodeAndHandle(() -> BinaryFrameCodec.decode(data));
      }
    }));
    ws.pongHandler(data -> heard());
    ws.exceptionHandler(e -> log.debug("connection {}: {}", session.connectionId(), e.toString()));
    ws.closeHandler(v -> inLogContext(() -> {
      closing = true;
      session.closed();
      onClosed.handle(null);
    }));
  }

  private void onText(String text) {
    if (admit(utf8Length(text))) {
      decodeAndHandle(() -> FrameCodec.decode(text));
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
   * The limits every frame passes, text or binary: size, then rate. Refused frames get their error
   * here; false means drop the frame.
   */
  private boolean admit(long bytes) {
    heard();
    if (closing) {
      return false;
    }
    if (bytes > limits.frameBytes()) {
      session.fail(null, new HubException(ErrorCode.TOO_LARGE, "frames are at most " + limits.frameBytes() + " bytes"));
      return false;
    }
    RateLimiter.Verdict verdict = rateLimiter.check(nanoClock.getAsLong());
    if (verdict == RateLimiter.Verdict.ALLOW) {
      return true;
    }
    metrics.frameRateLimited();
    session.fail(null, new HubException(ErrorCode.RATE_LIMITED, "over " + limits.ratePerSecond() + " messages per second"));
    if (verdict == RateLimiter.Verdict.CLOSE) {
      close(CloseCode.POLICY_VIOLATION, "rate limit");
    }
    return false;
  }

  @Override
  public void send(JsonObject frame) {
    Buffer encoded = frame.toBuffer();
    metrics.frameSent(encoded.length());
    sendEncoded(encoded, false);
  }

  /**
   * Writes unless the client has stopped reading: once more than {@code outboundBytes} wait in the
   * socket's queue it is closed as a slow consumer, so what one client does not read can never
   * grow the node's memory past that bound.
   */
  @Override
  public void sendEncoded(Buffer encodedFrame, boolean binary) {
    // Once the client's close frame is in, the socket counts as closed but its close handler (which
    // sets closing) has not run yet; writeQueueFull() would throw, and the throw would cut short
    // the fan-out loop delivering this event to the other connections of the event loop.
    if (closing || ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      ws.writeFrame(SharedTextFrame.of(ServerFrames.error(null, ErrorCode.SLOW_CONSUMER,
          "outbound buffer over " + limits.outboundBytes() + " bytes").toBuffer()));
      close(CloseCode.SLOW_CONSUMER, ErrorCode.SLOW_CONSUMER.wire());
      return;
    }
    ws.writeFrame(binary ? WebSocketFrame.binaryFrame(encodedFrame, true) : SharedTextFrame.of(encodedFrame));
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
      ErrorCode error = code == CloseCode.UNAUTHORIZED ? ErrorCode.UNAUTHORIZED : ErrorCode.TOKEN_EXPIRED;
      metrics.authFailure("connection", error.wire());
    }
    ws.close((short) code, reason);
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

  /** Graceful stop: tell the client to reconnect elsewhere, then close with 1012. */
  void drain() {
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
