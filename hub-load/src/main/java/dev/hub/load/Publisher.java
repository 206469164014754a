package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * The one publishing connection. In {@link Mode#RATE} it follows a fixed schedule and stamps each
 * event with the time it was meant to go, so a publisher or server that falls behind shows as
 * latency (the catch-up burst is sent at once); in {@link Mode#MAX} it keeps the
 * {@link InFlightWindow} full and stamps the actual send time. On a hub it reads the acks: their
 * latency, and refusals (a refused event is nobody's to deliver). Runs on its own context.
 */
final class Publisher {
  private static final long TICK_MS = 1;
  private static final int ACK_RING = 1 << 16;
  private static final int DISTINCT_REASONS = 5;
  private static final long EXPIRY_SCAN_NANOS = 100_000_000;

  private final Vertx vertx;
  private final Context context;
  private final WebSocket socket;
  private final LoadOptions options;
  private final Timeline timeline;
  private final InFlightWindow window;
  private final Promise<Publisher> ready = Promise.promise();
  private final Promise<Void> finished = Promise.promise();
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private final long[] sentAt = new long[ACK_RING];
  private final Histogram ackLatency = LoopStats.histogram();
  private final Map<String, Integer> refusals = new LinkedHashMap<>();
  private volatile String node;
  private volatile long published;
  private volatile long publishedMeasured;
  private volatile long acked;
  private volatile long refused;
  private volatile Integer closeCode;
  private long sequence;
  private long start;
  private long end;
  private long timer = -1;
  private long lastExpiry;

  private Publisher(Vertx vertx, WebSocket socket, LoadOptions options, Timeline timeline) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.options = options;
    this.timeline = timeline;
    this.window = options.mode() == Mode.MAX
        ? new InFlightWindow(options.maxInFlight(), this::onEventDone)
        : null;
    socket.frameHandler(this::onFrame);
    socket.exceptionHandler(e -> {
      /* the close handler follows */
    });
    socket.closeHandler(v -> onClose());
    if (options.target() == Target.BASELINE) {
      ready.complete(this);
    }
  }

  /**
   * Connects to the first url, on this (the caller's) context; ready once a hub has said which node
   * it is on.
   */
  static Future<Publisher> connect(
      Vertx vertx, Dialer dialer, LoadOptions options, Timeline timeline) {
    String query = options.target() == Target.HUB ? "user=load-publisher" : null;
    return dialer
        .dial(0, options.urls().get(0), query)
        .compose(socket -> new Publisher(vertx, socket, options, timeline).ready.future());
  }

  /** The MAX-mode window subscribers report deliveries to; null in RATE mode. */
  InFlightWindow window() {
    return window;
  }

  /** The hub node the publisher is on, or null (BASELINE). */
  String node() {
    return node;
  }

  /**
   * Publishes from {@code start} until {@code end} (on the run's {@link Timeline}); the future ends
   * when publishing has (the events may still be on their way).
   */
  Future<Void> publish(long start, long end) {
    context.runOnContext(v -> {
      this.start = start;
      this.end = end;
      if (closeCode != null) {
        finished.tryComplete();
        return;
      }
      timer = vertx.setPeriodic(TICK_MS, id -> tick());
    });
    return finished.future();
  }

  private void tick() {
    long now = timeline.now();
    if (options.mode() == Mode.RATE) {
      sendDue(now);
    } else {
      // A scan of the whole window; every 100 ms is soon enough for a timeout of seconds.
      if (now - lastExpiry >= EXPIRY_SCAN_NANOS) {
        lastExpiry = now;
        window.expire(now - options.lossTimeout().toNanos());
      }
      pump();
    }
  }

  /** Every event whose time has come, each stamped with the time it was due. */
  private void sendDue(long now) {
    double interval = 1e9 / options.eventsPerSecond();
    while (true) {
      long due = start + (long) (sequence * interval);
      if (due >= end) {
        stop();
        return;
      }
      if (due > now) {
        return;
      }
      send(due);
    }
  }

  /** MAX mode: called when an event completes (from any thread); coalesced into one pump. */
  private void onEventDone() {
    if (pumpScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        pumpScheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (timer < 0 || closeCode != null) {
      return;
    }
    long now = timeline.now();
    if (now >= end) {
      stop();
      return;
    }
    while (now >= start && window.tryOpen(sequence, now)) {
      send(now);
    }
  }

  private void send(long stamp) {
    long seq = sequence++;
    String frame = options.target() == Target.HUB
        ? LoadFrames.publish(options.channel(), seq, stamp, options.payloadBytes())
        : LoadFrames.event(seq, stamp, options.payloadBytes());
    sentAt[(int) (seq % ACK_RING)] = stamp;
    socket.writeTextMessage(frame);
    published++;
    if (stamp >= timeline.measureFrom()) {
      publishedMeasured++;
    }
  }

  private void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    finished.tryComplete();
  }

  private void onFrame(WebSocketFrame frame) {
    if (!frame.isText() || !frame.isFinal()) {
      return;
    }
    Buffer message = frame.binaryData();
    if (LoadFrames.sequence(message) != LoadFrames.ABSENT) {
      return; // a baseline server sends the publisher its own events too
    }
    if (LoadFrames.isAck(message)) {
      onAck(LoadFrames.id(message));
      return;
    }
    onControl(message);
  }

  private void onAck(long id) {
    acked++;
    if (id >= 0 && id < sequence && sequence - id <= ACK_RING) {
      long stamp = sentAt[(int) (id % ACK_RING)];
      if (stamp >= timeline.measureFrom()) {
        ackLatency.recordValue(
            Math.min(LoopStats.MAX_MICROS, Math.max(0, (timeline.now() - stamp) / 1_000)));
      }
    }
  }

  private void onControl(Buffer message) {
    JsonObject frame = LoadFrames.control(message);
    if (frame == null) {
      return;
    }
    String type = String.valueOf(frame.getValue("type"));
    if ("connected".equals(type)) {
      node = frame.getString("node");
      ready.tryComplete(this);
    } else if ("error".equals(type)) {
      refused++;
      String reason = frame.getString("code") + ": " + frame.getString("message");
      if (refusals.containsKey(reason) || refusals.size() < DISTINCT_REASONS) {
        refusals.merge(reason, 1, Integer::sum);
      }
      Object id = frame.getValue("id");
      if (window != null && id instanceof Number) {
        window.refuse(((Number) id).longValue());
      }
    }
  }

  private void onClose() {
    Short code = socket.closeStatusCode();
    closeCode = code == null ? -1 : code.intValue();
    ready.tryFail("the publisher's connection closed before it was ready: " + closeCode);
    stop();
  }

  long published() {
    return published;
  }

  long publishedMeasured() {
    return publishedMeasured;
  }

  long acked() {
    return acked;
  }

  long refused() {
    return refused;
  }

  Integer closeCode() {
    return closeCode;
  }

  /** The ack latencies and refusal reasons, copied on the publisher's context. */
  Future<Acks> acks() {
    Promise<Acks> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(
        new Acks(ackLatency.copy(), Collections.unmodifiableMap(new LinkedHashMap<>(refusals)))));
    return copy.future();
  }

  record Acks(Histogram latency, Map<String, Integer> refusals) {}

  Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      stop();
      (socket.isClosed() ? Future.<Void>succeededFuture() : socket.close()).onComplete(closed);
    });
    return closed.future();
  }
}
