package dev.hub.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client for tests: records every frame it receives, and lets a test wait, with a
 * bound, for the frame it expects. Waiting methods block the calling (test) thread; never call
 * them on an event loop.
 */
public final class HubTestClient implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private Integer closeCode;

  private HubTestClient(WebSocketClient client, ClientWebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> received(new JsonObject(text)));
    socket.closeHandler(v -> closed(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
  }

  /**
   * Connects to {@code ws://127.0.0.1:<port><pathAndQuery>} and waits for the {@code connected}
   * frame.
   */
  public static HubTestClient connect(Vertx vertx, int port, String pathAndQuery, Duration timeout) {
    return connect(vertx, port, pathAndQuery, Map.of(), timeout);
  }

  /** Connects with these HTTP headers on the upgrade request (an {@code Authorization} header, say). */
  public static HubTestClient connect(Vertx vertx, int port, String pathAndQuery, Map<String, String> headers,
                                      Duration timeout) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI(pathAndQuery);
    headers.forEach(options::addHeader);
    // Not a browser: no Origin unless the test sets one (an open node takes only loopback origins).
    options.setAllowOriginHeader(headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("origin")));
    // Handlers are set before the socket connects: set once the connect future completes, they
    // could miss the connected frame (the test thread may attach them after it has arrived).
    HubTestClient testClient = new HubTestClient(client, client.webSocket());
    try {
      testClient.socket.connect(options).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      testClient.await(frame -> "connected".equals(frame.getString("type")), timeout);
      return testClient;
    } catch (Exception e) {
      client.close();
      throw new AssertionError("could not connect to port " + port + pathAndQuery + ": " + e, e);
    }
  }

  private synchronized void received(JsonObject frame) {
    frames.add(frame);
    taken.add(false);
    notifyAll();
  }

  private synchronized void closed(int code) {
    closeCode = code;
    notifyAll();
  }

  /** Sends a frame as JSON text. */
  public HubTestClient send(JsonObject frame) {
    return sendText(frame.encode());
  }

  /** Sends raw text, valid JSON or not. */
  public HubTestClient sendText(String text) {
    socket.writeTextMessage(text);
    return this;
  }

  /** Sends a frame and waits for the reply carrying its {@code id} (a result or an error). */
  public JsonObject request(JsonObject frame, Duration timeout) {
    Object id = frame.getValue("id");
    if (id == null) {
      throw new IllegalArgumentException("a request needs an id");
    }
    send(frame);
    String wanted = String.valueOf(id);
    return await(reply -> reply.getValue("id") != null && wanted.equals(String.valueOf(reply.getValue("id"))),
        timeout);
  }

  /**
   * Waits for the first frame not yet taken by an earlier {@code await} that matches, and takes it.
   *
   * @throws AssertionError when none arrives in time
   */
  public synchronized JsonObject await(Predicate<JsonObject> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int from = 0;
    while (true) {
      for (int i = from; i < frames.size(); i++) {
        if (!taken.get(i) && match.test(frames.get(i))) {
          taken.set(i, true);
          return frames.get(i);
        }
      }
      from = 0;
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching frame within " + timeout + "; received: " + frames);
      }
      waitNanos(left);
    }
  }

  /** Waits for a frame of this {@code type}. */
  public JsonObject awaitType(String type, Duration timeout) {
    return await(frame -> type.equals(frame.getString("type")), timeout);
  }

  /** Waits until the server closes the connection, and returns the close code. */
  public synchronized int awaitClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (closeCode == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("not closed within " + timeout + "; received: " + frames);
      }
      waitNanos(left);
    }
    return closeCode;
  }

  /** Every frame received so far that matches, taken or not. */
  public synchronized List<JsonObject> received(Predicate<JsonObject> match) {
    return frames.stream().filter(match).toList();
  }

  /** Every frame received so far. */
  public synchronized List<JsonObject> received() {
    return List.copyOf(frames);
  }

  /** The close code, or null while open. */
  public synchronized Integer closeCode() {
    return closeCode;
  }

  public boolean isClosed() {
    return closeCode() != null;
  }

  private void waitNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(100)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    Future<Void> closing = socket.isClosed() ? Future.succeededFuture() : socket.close();
    closing.eventually(client::close);
  }
}
