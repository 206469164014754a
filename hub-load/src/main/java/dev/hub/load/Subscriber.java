package dev.hub.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

/**
 * One subscriber connection: gets ready (a hub's {@code connected}, then {@code subscribed} when a
 * channel is given), then counts and times the load events it receives. Everything runs on the
 * socket's event loop; construct it in the turn the socket is delivered, so no frame arrives before
 * its handler is set.
 */
final class Subscriber {
  static final long READY_TIMEOUT_MS = 15_000;

  private final WebSocket socket;
  private final LoopStats stats;
  private final Timeline timeline;
  private final InFlightWindow window;
  private final String publisherNode;
  private final boolean onPublisherUrl;
  private final String channel;
  private final Promise<Subscriber> ready = Promise.promise();
  private final SeenWindow seen = new SeenWindow();
  private volatile boolean local;
  private volatile Integer closeCode;
  private Buffer pending;

  /**
   * @param window the MAX-mode window to report deliveries to, or null
   * @param publisherNode the node the publisher is on (HUB), or null when unknown
   * @param onPublisherUrl whether this connection went to the publisher's url; the fallback for
   *     local when the hub names no node, and the rule for BASELINE
   * @param channel the channel to subscribe to (HUB), or null to only connect
   */
  Subscriber(
      Vertx vertx,
      WebSocket socket,
      Target target,
      LoopStats stats,
      Timeline timeline,
      InFlightWindow window,
      String publisherNode,
      boolean onPublisherUrl,
      String channel) {
    this.socket = socket;
    this.stats = stats;
    this.timeline = timeline;
    this.window = window;
    this.publisherNode = publisherNode;
    this.onPublisherUrl = onPublisherUrl;
    this.channel = channel;
    this.local = onPublisherUrl;
    socket.frameHandler(this::onFrame);
    socket.exceptionHandler(e -> {
      /* the close handler follows */
    });
    socket.closeHandler(v -> onClose());
    // One that never got ready is not counted, so it must not stay open either.
    ready.future().onFailure(e -> close());
    if (target == Target.BASELINE) {
      ready.tryComplete(this);
      return;
    }
    if (channel != null) {
      socket.writeTextMessage(LoadFrames.subscribe(channel));
    }
    long timer = vertx.setTimer(
        READY_TIMEOUT_MS, id -> ready.tryFail("not ready within " + READY_TIMEOUT_MS + " ms"));
    ready.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Completes when the connection is ready to receive events; fails when refused or closed first. */
  Future<Subscriber> ready() {
    return ready.future();
  }

  boolean isLocal() {
    return local;
  }

  boolean isClosed() {
    return closeCode != null;
  }

  Integer closeCode() {
    return closeCode;
  }

  Future<Void> close() {
    return socket.isClosed() ? Future.succeededFuture() : socket.close();
  }

  // Messages come whole in one frame from a hub and a baseline server alike; continuations are
  // joined anyway, so a large payload cannot be miscounted.
  private void onFrame(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      if (frame.isFinal()) {
        onMessage(frame.binaryData());
      } else {
        pending = frame.binaryData().copy();
      }
    } else if (frame.isContinuation() && pending != null) {
      pending.appendBuffer(frame.binaryData());
      if (frame.isFinal()) {
        Buffer message = pending;
        pending = null;
        onMessage(message);
      }
    }
  }

  private void onMessage(Buffer message) {
    long sequence = LoadFrames.sequence(message);
    if (sequence == LoadFrames.ABSENT) {
      onControl(message);
      return;
    }
    long now = timeline.now();
    switch (seen.accept(sequence)) {
      case DUPLICATE:
        stats.duplicates++;
        return;
      case LATE:
        stats.outOfOrder++;
        break;
      default:
        break;
    }
    stats.delivered++;
    long sentAt = LoadFrames.sentAt(message);
    stats.event(sequence, now - sentAt);
    if (sentAt >= timeline.measureFrom()) {
      stats.record(local, now - sentAt);
    }
    if (window != null) {
      window.delivered(sequence);
    }
  }

  /** Hub frames other than events: rare, so parsed whole. */
  private void onControl(Buffer message) {
    JsonObject frame = LoadFrames.control(message);
    if (frame == null) {
      return;
    }
    String type = String.valueOf(frame.getValue("type"));
    if ("connected".equals(type)) {
      String node = frame.getString("node");
      local = publisherNode == null || node == null ? onPublisherUrl : publisherNode.equals(node);
      if (channel == null) {
        ready.tryComplete(this);
      }
    } else if ("subscribed".equals(type)
        && channel != null
        && channel.equals(frame.getString("channel"))) {
      ready.tryComplete(this);
    } else if ("error".equals(type)) {
      ready.tryFail("refused: " + frame.getString("code") + " " + frame.getString("message"));
    }
  }

  private void onClose() {
    Short code = socket.closeStatusCode();
    closeCode = code == null ? -1 : code.intValue();
    ready.tryFail("closed before ready: " + closeCode
        + (socket.closeReason() == null ? "" : " " + socket.closeReason()));
  }
}
