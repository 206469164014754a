package dev.hub.fault;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that follows history channels across node failures and network splits as
 * docs/protocol.md sections 4, 6 and 10 ask of real clients, generalising the process tier's
 * {@code RecoveringClient} to many channels and to nodes that refuse: when its connection closes
 * (a 1012 after {@code reconnect} included), or a node answers a subscribe with an error
 * ({@code unavailable} in a minority), it moves to the next node, with backoff and jitter, and
 * resubscribes each channel with {@code since} set to the last position it saw.
 *
 * <p>It records, per channel and in order, what it saw: each event as received, never dropping a
 * duplicate, and each starting point, which is either its first subscription or a reset it was
 * told of: a {@code subscribed} with {@code recovered: false}, as the reply to a resubscribe or
 * unsolicited under a live subscription when the channel's epoch changed. The checks in
 * {@link Ledger} hold these records against the acks and the final history.
 *
 * <p>Optionally it also joins a presence channel (without history) on every connection, so that
 * a test can tell which users should be present where. Its handlers run on one event loop; the
 * test thread reads through synchronized accessors.
 */
final class Follower {
  private static final long MAX_BACKOFF_MS = 1000;

  /** One thing a subscription saw: a starting point or an event. */
  sealed interface Seen permits Start, Event {}

  /**
   * Events after {@code offset} of {@code epoch} follow. {@code told} when the server said
   * {@code recovered: false}; not told for the first subscription.
   */
  record Start(String epoch, long offset, boolean told) implements Seen {}

  /** An event as received: its position and the id its publisher gave it. */
  record Event(String epoch, long offset, String eid) implements Seen {}

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String user;
  private final Endpoints endpoints;
  private final List<String> channels;
  private final String lobby;
  private final Promise<Void> ready = Promise.promise();
  private final Map<String, List<Seen>> seen = new LinkedHashMap<>();
  /** Per channel: the epoch and offset it would resume from. */
  private final Map<String, Start> positions = new HashMap<>();

  private final List<String> notes = new ArrayList<>();
  /** Subscribe ids sent on the current connection, and the channel each was for. */
  private final Map<String, String> pending = new HashMap<>();

  private final Set<String> subscribed = new HashSet<>();
  private int node;
  private int failedAttempts;
  private int frames;
  private int connections;
  private WebSocket socket;
  private boolean stopped;

  /**
   * @param channels history channels to follow
   * @param lobby a presence channel to join on every connection, or null
   * @param home the index of the node it connects to first
   */
  Follower(
      Vertx vertx,
      String user,
      Endpoints endpoints,
      List<String> channels,
      String lobby,
      int home) {
    this.vertx = vertx;
    this.client =
        vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5_000));
    this.user = user;
    this.endpoints = endpoints;
    this.channels = List.copyOf(channels);
    this.lobby = lobby;
    this.node = home;
    channels.forEach(channel -> seen.put(channel, new ArrayList<>()));
  }

  /** Connects and subscribes; completes when every subscription of the first connection is acknowledged. */
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
    Endpoints.Endpoint endpoint = endpoints.get(node);
    client
        .connect(new WebSocketConnectOptions()
            .setHost(endpoint.host())
            .setPort(endpoint.port())
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
    connections++;
    failedAttempts = 0;
    pending.clear();
    subscribed.clear();
    opened.textMessageHandler(text -> received(opened, new JsonObject(text)));
    opened.closeHandler(v -> closed(opened));
    // A killed node resets the connection; the close handler is what matters.
    opened.exceptionHandler(e -> {});
    if (lobby != null) {
      subscribe(opened, lobby, null);
    }
    channels.forEach(channel -> subscribe(opened, channel, positions.get(channel)));
  }

  private void subscribe(WebSocket on, String channel, Start since) {
    String id = "s" + (++frames);
    pending.put(id, channel);
    JsonObject frame =
        new JsonObject().put("type", "subscribe").put("id", id).put("channel", channel);
    if (since != null && since.epoch() != null) {
      frame.put(
          "since", new JsonObject().put("offset", since.offset()).put("epoch", since.epoch()));
    } else if (since != null) {
      notes.add(channel + ": resubscribed without since (no epoch known yet)");
    }
    on.writeTextMessage(frame.encode());
  }

  private synchronized void received(WebSocket on, JsonObject frame) {
    if (on != socket) {
      return;
    }
    String type = frame.getString("type");
    String channel = frame.getString("channel");
    Object id = frame.getValue("id");
    if ("subscribed".equals(type)) {
      subscribedReply(channel, frame, id == null ? null : String.valueOf(id));
    } else if ("error".equals(type) && id != null && pending.containsKey(String.valueOf(id))) {
      refused(on, pending.remove(String.valueOf(id)), frame);
    } else if ("unsubscribed".equals(type) && id == null && seen.containsKey(channel)) {
      // overflow: the spec's remedy is to subscribe again with since, on the same connection
      notes.add(channel + ": ended by the server: " + frame.encode());
      subscribed.remove(channel);
      subscribe(on, channel, positions.get(channel));
    } else if ("reconnect".equals(type)) {
      notes.add("told to reconnect by node " + (node + 1));
    } else if ("error".equals(type)) {
      notes.add("error frame from node " + (node + 1) + ": " + frame.encode());
    } else if (seen.containsKey(channel)
        && frame.containsKey("offset")
        && frame.containsKey("eid")) {
      event(channel, frame);
    }
  }

  private void subscribedReply(String channel, JsonObject reply, String id) {
    boolean solicited = id != null && pending.remove(id) != null;
    if (lobby != null && lobby.equals(channel)) {
      subscribed.add(channel);
    } else if (seen.containsKey(channel)) {
      Start start = new Start(
          reply.getString("epoch"),
          reply.getLong("offset", 0L),
          Boolean.FALSE.equals(reply.getBoolean("recovered")));
      if (!positions.containsKey(channel)) {
        record(channel, new Start(start.epoch(), start.offset(), false));
      } else if (start.told()) {
        record(channel, start);
      } else if (!solicited) {
        notes.add(channel + ": unsolicited subscribed that is not a reset: " + reply.encode());
      }
      subscribed.add(channel);
    }
    if (subscribed.size() == channels.size() + (lobby == null ? 0 : 1)) {
      ready.tryComplete();
    }
  }

  private void record(String channel, Start start) {
    seen.get(channel).add(start);
    positions.put(channel, start);
  }

  private void event(String channel, JsonObject frame) {
    Event event =
        new Event(frame.getString("epoch"), frame.getLong("offset"), frame.getString("eid"));
    seen.get(channel).add(event);
    positions.put(channel, new Start(event.epoch(), event.offset(), false));
  }

  /** A node that cannot serve a subscription now: try the next one rather than wait here. */
  private void refused(WebSocket on, String channel, JsonObject error) {
    notes.add(channel + ": refused by node " + (node + 1) + ": " + error.getString("code"));
    on.close();
  }

  private synchronized void closed(WebSocket which) {
    if (stopped || which != socket) {
      return;
    }
    socket = null;
    subscribed.clear();
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
    node = (node + 1) % endpoints.size();
    long backoff = Math.min(MAX_BACKOFF_MS, 50L << Math.min(failedAttempts, 5));
    vertx.setTimer(
        backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1), id -> connect());
  }

  String user() {
    return user;
  }

  List<String> channels() {
    return channels;
  }

  synchronized List<Seen> seen(String channel) {
    return List.copyOf(seen.get(channel));
  }

  /** The position it would resume {@code channel} from: the last event, or the last starting point. */
  synchronized Start position(String channel) {
    return positions.get(channel);
  }

  /** Connected, and every subscription of this connection acknowledged. */
  synchronized boolean settled() {
    return socket != null && subscribed.size() == channels.size() + (lobby == null ? 0 : 1);
  }

  /** The node it is connected to or trying next. */
  synchronized int node() {
    return node;
  }

  synchronized int connections() {
    return connections;
  }

  /** Errors, refusals and server-ended subscriptions, for failure messages. */
  synchronized List<String> notes() {
    return List.copyOf(notes);
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
