package dev.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that follows a history channel across node failures as docs/protocol.md section 6 asks of
 * real clients: when its connection closes it reconnects to the next node, with backoff and jitter,
 * and resubscribes with {@code since} set to the last offset it saw. It records every event of the
 * channel exactly as received and never drops a duplicate: proving the server sends each one once
 * is the point. It joins the presence channel on its first connection only, so that its user's
 * presence on the node it started on ends with that node.
 *
 * <p>Its handlers run on the client's event loop; the test thread reads through synchronized
 * accessors.
 */
final class RecoveringClient {
  static final String FEED = "feed";
  static final String LOBBY = "room:lobby";
  private static final long MAX_BACKOFF_MS = 1000;

  /** One event as received: its position, the number the publisher gave it, and when it came. */
  record Received(long offset, String epoch, long n, long receivedNanos) {}

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String user;
  private final List<Integer> ports;
  private final int homePort;
  private final Promise<Void> ready = Promise.promise();
  private final List<Received> events = new ArrayList<>();
  private final List<JsonObject> presenceNotices = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private int node;
  private int failedAttempts;
  private int subscribes;
  private boolean inLobby;
  private int recoveries;
  private long lastOffset = -1;
  private String epoch;
  private WebSocket socket;
  private boolean stopped;

  /**
   * @param ports every node's port, in the order the client tries them
   * @param home the index of the node it connects to first
   */
  RecoveringClient(Vertx vertx, String user, List<Integer> ports, int home) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.user = user;
    this.ports = ports;
    this.node = home;
    this.homePort = ports.get(home);
  }

  /** Connects, joins the presence channel and subscribes to the feed; completes when both are acknowledged. */
  Future<Void> start() {
    // On an event loop, as every later reconnect is: the socket's handlers are then set in the
    // same turn it opens, before any frame can arrive.
    vertx.getOrCreateContext().runOnContext(v -> connect());
    return ready.future();
  }

  private synchronized void connect() {
    if (stopped) {
      return;
    }
    int port = ports.get(node);
    client
        .connect(new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/ws?user=" + user)
            .setAllowOriginHeader(false))
        .onSuccess(this::opened)
        .onFailure(e -> retry());
  }

  private synchronized void opened(WebSocket opened) {
    if (stopped) {
      opened.close();
      return;
    }
    socket = opened;
    failedAttempts = 0;
    opened.textMessageHandler(text -> received(new JsonObject(text)));
    opened.closeHandler(v -> closed(opened));
    // A killed node resets the connection; the close handler is what matters.
    opened.exceptionHandler(e -> {});
    boolean first = lastOffset < 0;
    if (first) {
      opened.writeTextMessage(new JsonObject()
          .put("type", "subscribe")
          .put("id", "lobby")
          .put("channel", LOBBY)
          .encode());
    }
    JsonObject subscribe = new JsonObject()
        .put("type", "subscribe")
        .put("id", "feed-" + (++subscribes))
        .put("channel", FEED);
    if (!first) {
      subscribe.put("since", new JsonObject().put("offset", lastOffset).put("epoch", epoch));
    }
    opened.writeTextMessage(subscribe.encode());
  }

  private synchronized void received(JsonObject frame) {
    String type = frame.getString("type");
    String channel = frame.getString("channel");
    if ("subscribed".equals(type) && FEED.equals(channel)) {
      subscribedToFeed(frame);
    } else if ("subscribed".equals(type) && LOBBY.equals(channel)) {
      inLobby = true;
      readyIfSubscribed();
    } else if (FEED.equals(channel) && "tick".equals(type)) {
      events.add(new Received(
          frame.getLong("offset"),
          frame.getString("epoch"),
          frame.getLong("n"),
          System.nanoTime()));
      lastOffset = frame.getLong("offset");
      epoch = frame.getString("epoch");
    } else if (LOBBY.equals(channel) && Set.of("join", "leave").contains(type)) {
      presenceNotices.add(frame.put("receivedNanos", System.nanoTime()));
    } else if ("error".equals(type)) {
      problems.add("error frame: " + frame.encode());
    }
  }

  private void subscribedToFeed(JsonObject reply) {
    if (lastOffset < 0) {
      lastOffset = reply.getLong("offset");
      epoch = reply.getString("epoch");
      readyIfSubscribed();
    } else if (Boolean.TRUE.equals(reply.getBoolean("recovered"))) {
      recoveries++;
    } else {
      problems.add("not recovered after offset " + lastOffset + " of epoch " + epoch + ": "
          + reply.encode());
    }
  }

  private void readyIfSubscribed() {
    if (inLobby && lastOffset >= 0) {
      ready.tryComplete();
    }
  }

  private synchronized void closed(WebSocket which) {
    if (stopped || which != socket) {
      return;
    }
    socket = null;
    moveOn();
  }

  private synchronized void retry() {
    failedAttempts++;
    moveOn();
  }

  /** The next node in the list, after a backoff that grows with each failed attempt. */
  private void moveOn() {
    if (stopped) {
      return;
    }
    node = (node + 1) % ports.size();
    long backoff = Math.min(MAX_BACKOFF_MS, 50L << Math.min(failedAttempts, 5));
    vertx.setTimer(
        backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), id -> connect());
  }

  String user() {
    return user;
  }

  synchronized List<Received> events() {
    return List.copyOf(events);
  }

  synchronized long lastOffset() {
    return lastOffset;
  }

  synchronized List<JsonObject> presenceNotices() {
    return List.copyOf(presenceNotices);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /** How many times it resubscribed with {@code since} and was told {@code recovered: true}. */
  synchronized int recoveries() {
    return recoveries;
  }

  /** The port of the node it connected to first. */
  int homePort() {
    return homePort;
  }

  Future<Void> close() {
    WebSocket open;
    synchronized (this) {
      stopped = true;
      open = socket;
      socket = null;
    }
    Future<Void> closing =
        open == null || open.isClosed() ? Future.succeededFuture() : open.close();
    return closing.eventually(client::close);
  }
}
