package dev.hub.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A client of the hub's WebSocket protocol (docs/protocol.md) on Vert.x, with the JavaScript client's
 * behaviour: reconnect with jittered backoff, each attempt on the next URL of the list; frames sent
 * while disconnected wait in a bounded queue; on reconnect every channel is subscribed again and
 * history channels resume from the last offset seen; a connection silent for 2.5 heartbeats is
 * dead; {@code reconnect} / close 1012 moves to the next URL at once; requests are matched to
 * replies by {@code id}. What the hub says about a live subscription (docs/protocol.md section 4)
 * is acted on: a new epoch is adopted and reported ({@link Subscription#resetHandler}), an
 * overflow is resumed at once, a forbidden channel ends ({@link Subscription#endHandler}), and a
 * subscribe refused as {@code unavailable} is retried with the reconnect backoff.
 *
 * <p>All state belongs to the context the client was created on; methods may be called from any
 * thread and hop onto it. Handlers run on it.
 */
public final class HubClient {
  /** Connection states, in the order a client goes through them. */
  public enum State {
    IDLE,
    CONNECTING,
    CONNECTED,
    DISCONNECTED,
    CLOSED
  }

  private static final Set<String> REPLIES =
      Set.of("subscribed", "unsubscribed", "ack", "presence", "history", "rpc_result");

  private final Vertx vertx;
  private final Context context;
  private final HubClientOptions options;
  private final WebSocketClient sockets;
  private final List<Consumer<StateChange>> stateHandlers = new CopyOnWriteArrayList<>();
  private final List<Consumer<JsonObject>> eventHandlers = new CopyOnWriteArrayList<>();
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final Deque<JsonObject> queue = new ArrayDeque<>();
  private final Channels channels;

  private volatile State state = State.IDLE;
  private volatile String node;
  private WebSocket socket;
  private String currentUrl;
  private int urlIndex;
  private int attempt;
  private long nextId = 1;
  private long reconnectTimer = -1;
  private long pingTimer = -1;
  private long watchdogTimer = -1;
  private long connectTimer = -1;
  private long lastSeen;
  private long heartbeatMs = 30_000;
  private boolean jumpNow;
  private boolean closed;

  private HubClient(Vertx vertx, HubClientOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.sockets = vertx.createWebSocketClient(
        new WebSocketClientOptions().setConnectTimeout((int) options.connectTimeoutMs()));
    this.channels = new Channels(vertx, options, this::request, () -> state == State.CONNECTED);
  }

  /** Creates a client; call {@link #connect()} to start. */
  public static HubClient create(Vertx vertx, HubClientOptions options) {
    if (options.urls().isEmpty()) {
      throw new IllegalArgumentException("HubClientOptions needs at least one URL");
    }
    return new HubClient(vertx, options);
  }

  // ---- state and handlers -------------------------------------------------------------------

  public State state() {
    return state;
  }

  public boolean isConnected() {
    return state == State.CONNECTED;
  }

  /** The node id from the last {@code connected} frame. */
  public String node() {
    return node;
  }

  public HubClient stateHandler(Consumer<StateChange> handler) {
    stateHandlers.add(handler);
    return this;
  }

  /** Every event received (channel, broadcast and direct ones). */
  public HubClient eventHandler(Consumer<JsonObject> handler) {
    eventHandlers.add(handler);
    return this;
  }

  private void setState(State next, String url, long delay, String nextUrl) {
    state = next;
    StateChange change =
        new StateChange(next, url, next == State.CONNECTED ? node : null, delay, nextUrl);
    stateHandlers.forEach(handler -> handler.accept(change));
  }

  // ---- connection ---------------------------------------------------------------------------

  /** Starts connecting; once. A closed client stays closed: create another. */
  public Future<Void> connect() {
    return onContext(() -> {
      if (state == State.IDLE) {
        open();
      }
    });
  }

  /** Skips the backoff wait and tries the next URL now. */
  public Future<Void> reconnectNow() {
    return onContext(() -> {
      if (state == State.DISCONNECTED && !closed) {
        cancel(reconnectTimer);
        open();
      }
    });
  }

  /** Closes for good; pending requests and queued frames fail with {@code closed}. */
  public Future<Void> close() {
    return onContext(() -> {
          closed = true;
          cancelTimers();
          cancel(reconnectTimer);
          channels.cancelRetries();
          WebSocket current = socket;
          socket = null;
          if (current != null) {
            current.close();
          }
          failPending(new HubClientException("closed", "the client was closed"), true);
          setState(State.CLOSED, currentUrl, 0, null);
        })
        .compose(v -> sockets.close());
  }

  private void open() {
    String url = options.urls().get(urlIndex % options.urls().size());
    setState(State.CONNECTING, url, 0, null);
    Future<String> token;
    try {
      token =
          options.token() == null ? Future.succeededFuture() : options.token().get();
    } catch (RuntimeException e) {
      token = Future.failedFuture(e);
    }
    token.onComplete(result -> context.runOnContext(v -> {
      if (closed) {
        return;
      }
      if (result.failed()) {
        scheduleReconnect(url, false);
        return;
      }
      // Connect from the client's context and attach the handlers in the completion callback, on
      // that context and in the same turn: a frame read in between (the server's `connected`
      // comes at once) would otherwise be dropped.
      sockets.connect(connectOptions(url, result.result())).onComplete(connected -> {
        if (connected.failed()) {
          scheduleReconnect(url, false);
        } else if (closed) {
          connected.result().close();
        } else {
          attach(connected.result(), url);
        }
      });
    }));
  }

  private WebSocketConnectOptions connectOptions(String url, String token) {
    String uri = url;
    if (options.user() != null) {
      uri += (uri.contains("?") ? "&" : "?") + "user="
          + URLEncoder.encode(options.user(), StandardCharsets.UTF_8);
    }
    // A JVM service is no browser: it sends no Origin, which the hub checks against cross-site
    // pages (an open node takes only loopback origins).
    WebSocketConnectOptions connect =
        new WebSocketConnectOptions().setAbsoluteURI(uri).setAllowOriginHeader(false);
    if (token != null) {
      connect.addHeader("Authorization", "Bearer " + token);
    }
    return connect;
  }

  private void attach(WebSocket ws, String url) {
    socket = ws;
    currentUrl = url;
    lastSeen = System.nanoTime();
    ws.textMessageHandler(text -> receive(ws, text));
    ws.closeHandler(v -> lost(ws, url, ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
    ws.exceptionHandler(e -> {
      /* the close handler follows */
    });
    // The upgrade is done; without a `connected` frame soon, this node is not serving us.
    connectTimer = vertx.setTimer(options.connectTimeoutMs(), id -> lost(ws, url, -1));
  }

  /** The socket is gone: fail what was in flight, wait, then try the next URL. */
  private void lost(WebSocket ws, String url, int code) {
    if (ws != socket) {
      return;
    }
    socket = null;
    cancelTimers();
    if (!ws.isClosed()) {
      ws.close();
    }
    failPending(new HubClientException("disconnected", "connection lost (" + code + ")"), false);
    if (closed) {
      return;
    }
    boolean immediately = code == 1012 || jumpNow;
    jumpNow = false;
    scheduleReconnect(url, immediately);
  }

  private void scheduleReconnect(String url, boolean immediately) {
    if (closed) {
      return;
    }
    // Each attempt goes to the next URL: the node that dropped or refused us is the suspect one.
    urlIndex = (urlIndex + 1) % options.urls().size();
    long delay = immediately ? 0 : options.backoff().delay(attempt, options.random());
    attempt++;
    setState(State.DISCONNECTED, url, delay, options.urls().get(urlIndex));
    reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> {
      reconnectTimer = -1;
      if (!closed && state == State.DISCONNECTED) {
        open();
      }
    });
  }

  // ---- heartbeat ----------------------------------------------------------------------------

  // Application pings and a watchdog, as in the browser client: any frame counts as a sign of life.
  private void startHeartbeat(WebSocket ws) {
    long interval = Math.max(50, heartbeatMs / 2);
    pingTimer = vertx.setPeriodic(interval, id -> sendNow(new JsonObject().put("type", "ping")));
    long deadAfterNanos = (long) (heartbeatMs * options.deadFactor() * 1_000_000);
    watchdogTimer = vertx.setPeriodic(Math.max(10, heartbeatMs / 4), id -> {
      if (System.nanoTime() - lastSeen >= deadAfterNanos) {
        lost(ws, currentUrl, -1);
      }
    });
  }

  private void cancelTimers() {
    cancel(pingTimer);
    cancel(watchdogTimer);
    cancel(connectTimer);
    pingTimer = watchdogTimer = connectTimer = -1;
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  // ---- receiving ----------------------------------------------------------------------------

  private void receive(WebSocket ws, String text) {
    if (ws != socket) {
      return;
    }
    lastSeen = System.nanoTime();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    String type = frame.getString("type", "");
    switch (type) {
      case "connected" -> onConnected(ws, frame);
      case "pong", "authenticated" -> {}
      case "reconnect" -> jumpNow = true;
      case "error" -> onError(frame);
      default -> {
        Long id = idOf(frame);
        boolean unsolicited = frame.getValue("id") == null;
        if (REPLIES.contains(type) && id != null && pending.containsKey(id)) {
          settle(id, null, frame);
        } else if ("subscribed".equals(type) && unsolicited) {
          channels.serverSubscribed(frame);
        } else if ("unsubscribed".equals(type) && unsolicited) {
          channels.serverUnsubscribed(frame);
        } else if (!REPLIES.contains(type)) {
          onEvent(frame);
        }
      }
    }
  }

  private void onConnected(WebSocket ws, JsonObject frame) {
    cancel(connectTimer);
    connectTimer = -1;
    node = frame.getString("node");
    heartbeatMs =
        options.heartbeatMs() > 0 ? options.heartbeatMs() : frame.getLong("heartbeat", 30_000L);
    attempt = 0;
    startHeartbeat(ws);
    setState(State.CONNECTED, currentUrl, 0, null);
    // Subscriptions first, then the queue: a queued publish must not overtake our own subscribe.
    List<JsonObject> queued = new ArrayList<>(queue);
    queue.clear();
    channels.resubscribeAll();
    for (int i = 0; i < queued.size(); i++) {
      if (!transmit(queued.get(i))) {
        List<JsonObject> rest = new ArrayList<>(queued.subList(i, queued.size()));
        rest.addAll(queue);
        queue.clear();
        queue.addAll(rest);
        return;
      }
    }
  }

  private void onError(JsonObject frame) {
    Long id = idOf(frame);
    HubClientException error =
        new HubClientException(frame.getString("code", "internal"), frame.getString("message", ""));
    if (id != null && pending.containsKey(id)) {
      settle(id, error, null);
    }
  }

  private void onEvent(JsonObject event) {
    if (channels.deliver(event)) {
      eventHandlers.forEach(handler -> handler.accept(event));
    }
  }

  private static Long idOf(JsonObject frame) {
    Object id = frame.getValue("id");
    return id instanceof Number number ? number.longValue() : null;
  }

  // ---- sending ------------------------------------------------------------------------------

  private boolean sendNow(JsonObject frame) {
    if (socket == null || state != State.CONNECTED) {
      return false;
    }
    socket.writeTextMessage(frame.encode());
    return true;
  }

  private boolean transmit(JsonObject frame) {
    Long id = idOf(frame);
    if (id != null && !pending.containsKey(id)) {
      return true; // timed out while queued
    }
    if (!sendNow(frame)) {
      return false;
    }
    if (id != null) {
      pending.get(id).sent = true;
    }
    return true;
  }

  private void enqueue(JsonObject frame) {
    if (queue.size() >= options.queueMax()) {
      if (options.overflow() == HubClientOptions.Overflow.REJECT) {
        settle(idOf(frame), new HubClientException("queue_full", "offline queue full"), null);
        return;
      }
      JsonObject dropped = queue.pollFirst();
      Long droppedId = idOf(dropped);
      if (droppedId != null) {
        settle(
            droppedId,
            new HubClientException("queue_full", "dropped from a full offline queue"),
            null);
      }
    }
    queue.addLast(frame);
  }

  /** Sends a frame with a fresh {@code id}; completes with the reply that carries it. */
  public Future<JsonObject> request(JsonObject frame, long timeoutMs) {
    Promise<JsonObject> promise = Promise.promise();
    context.runOnContext(v -> {
      long id = nextId++;
      JsonObject framed = frame.copy().put("id", id);
      long timer = vertx.setTimer(
          timeoutMs,
          t -> settle(
              id,
              new HubClientException(
                  "timeout", "no reply to " + frame.getString("type") + " in " + timeoutMs + " ms"),
              null));
      pending.put(id, new Pending(promise, timer));
      if (state != State.CONNECTED || !queue.isEmpty() || !transmit(framed)) {
        enqueue(framed);
      }
    });
    return promise.future();
  }

  public Future<JsonObject> request(JsonObject frame) {
    return request(frame, options.requestTimeoutMs());
  }

  private void settle(Long id, HubClientException error, JsonObject reply) {
    Pending entry = id == null ? null : pending.remove(id);
    if (entry == null) {
      return;
    }
    vertx.cancelTimer(entry.timer);
    if (error != null) {
      entry.promise.tryFail(error);
    } else {
      entry.promise.tryComplete(reply);
    }
  }

  /** In-flight requests fail (their outcome is unknown); queued ones wait unless closing. */
  private void failPending(HubClientException error, boolean all) {
    for (Map.Entry<Long, Pending> entry : List.copyOf(pending.entrySet())) {
      if (all || entry.getValue().sent) {
        settle(entry.getKey(), error, null);
      }
    }
    if (all) {
      queue.clear();
    }
  }

  // ---- channels and requests ----------------------------------------------------------------

  /**
   * Calls {@code handler} with every event of {@code channel}, across reconnects; history
   * channels resume from the last offset seen. See {@link Subscription} for what the hub may say
   * about the subscription later.
   */
  public Subscription subscribe(String channel, Handler<JsonObject> handler) {
    Promise<JsonObject> ready = Promise.promise();
    Subscription subscription = new Subscription(
        handler,
        ready.future(),
        stopped -> context.runOnContext(v -> channels.remove(channel, stopped)));
    context.runOnContext(v -> channels.add(channel, subscription, ready));
    return subscription;
  }

  public Future<JsonObject> publish(String channel, JsonObject event) {
    return request(
        new JsonObject().put("type", "publish").put("channel", channel).put("event", event));
  }

  public Future<JsonObject> broadcast(JsonObject event) {
    return request(new JsonObject().put("type", "broadcast").put("event", event));
  }

  public Future<JsonObject> direct(String user, JsonObject event) {
    return request(new JsonObject().put("type", "direct").put("user", user).put("event", event));
  }

  /** Calls a JVM service's event-bus address; completes with the reply's body. */
  public Future<Object> rpc(String address, Object body, long timeoutMs) {
    JsonObject frame = new JsonObject()
        .put("type", "rpc")
        .put("address", address)
        .put("body", body)
        .put("timeout", timeoutMs);
    // The server answers `timeout` itself; wait a little longer to see that answer.
    return request(frame, timeoutMs + 2000).map(reply -> reply.getValue("body"));
  }

  public Future<JsonObject> presence(String channel) {
    return request(new JsonObject().put("type", "presence").put("channel", channel));
  }

  public Future<JsonObject> history(String channel, Integer limit) {
    JsonObject frame = new JsonObject().put("type", "history").put("channel", channel);
    if (limit != null) {
      frame.put("limit", limit);
    }
    return request(frame);
  }

  /** Frames waiting for a connection (for tests and metrics). */
  public Future<Integer> queued() {
    Promise<Integer> size = Promise.promise();
    context.runOnContext(v -> size.complete(queue.size()));
    return size.future();
  }

  private Future<Void> onContext(Runnable action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }

  private static final class Pending {
    final Promise<JsonObject> promise;
    final long timer;
    boolean sent;

    Pending(Promise<JsonObject> promise, long timer) {
      this.promise = promise;
      this.timer = timer;
    }
  }
}
