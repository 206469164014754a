package dev.hub.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The WebSocket client of every test tier (node, cluster, process, and your own): records every
 * frame it receives and its close code, and lets a test wait, with a bound, for what it expects.
 * Waiting methods block the calling (test) thread; never call them on an event loop.
 *
 * <p>{@link #await} <em>takes</em> the frame it returns: a second call finds the next match, so a
 * test can wait for each of several events of one type in turn. {@link #received} and
 * {@link #awaitReceived} look at every frame, taken or not. Waits without a timeout of their own
 * wait as long as the connect was allowed to take.
 */
public final class HubTestClient implements AutoCloseable {
  /** The bound of a connect given no timeout, and so of that client's waits. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ClientWebSocket socket;
  private final Duration wait;
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private final List<Buffer> binaries = new ArrayList<>();
  private Integer closeCode;

  private HubTestClient(WebSocketClient client, ClientWebSocket socket, Duration wait) {
    this.client = client;
    this.socket = socket;
    this.wait = wait;
    socket.textMessageHandler(text -> received(new JsonObject(text)));
    socket.binaryMessageHandler(this::receivedBinary);
    socket.closeHandler(
        v -> closed(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
  }

  /** Connects to {@code ws://127.0.0.1:<port><pathAndQuery>} and waits up to {@link #WAIT} for {@code connected}. */
  public static HubTestClient connect(Vertx vertx, int port, String pathAndQuery) {
    return connect(vertx, port, pathAndQuery, Map.of(), WAIT);
  }

  /** Connects and waits for the {@code connected} frame (which stays there for a later {@link #await}). */
  public static HubTestClient connect(
      Vertx vertx, int port, String pathAndQuery, Duration timeout) {
    return connect(vertx, port, pathAndQuery, Map.of(), timeout);
  }

  /** Connects with these HTTP headers on the upgrade request (an {@code Authorization} header, say). */
  public static HubTestClient connect(
      Vertx vertx, int port, String pathAndQuery, Map<String, String> headers, Duration timeout) {
    HubTestClient testClient = open(vertx, port, pathAndQuery, headers, timeout);
    try {
      testClient.awaitReceived(ofType("connected"), 1);
      return testClient;
    } catch (AssertionError e) {
      testClient.close();
      throw new AssertionError(
          "no connected frame from port " + port + pathAndQuery + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the socket without waiting for {@code connected}: for a connection the node takes and
   * then refuses with an error frame and a close (too many connections, say).
   *
   * @throws AssertionError when the upgrade itself fails (see {@link #upgrade} for its answer)
   */
  public static HubTestClient open(
      Vertx vertx, int port, String pathAndQuery, Map<String, String> headers, Duration timeout) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(pathAndQuery);
    headers.forEach(options::addHeader);
    // Not a browser: no Origin unless the test sets one (an open node takes only loopback origins).
    options.setAllowOriginHeader(
        headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("origin")));
    // Handlers are set before the socket connects: set once the connect future completes, they
    // could miss the connected frame (the test thread may attach them after it has arrived).
    HubTestClient testClient = new HubTestClient(client, client.webSocket(), timeout);
    try {
      testClient.socket.connect(options).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return testClient;
    } catch (Exception e) {
      client.close();
      throw new AssertionError("could not connect to port " + port + pathAndQuery + ": " + e, e);
    }
  }

  /** The status and body an upgrade request gets: 101 when accepted, else the refusal. */
  public static TestHttp.Answer upgrade(
      Vertx vertx, int port, String pathAndQuery, Map<String, String> headers, Duration timeout) {
    HttpClient http = vertx.createHttpClient();
    try {
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setHost("127.0.0.1")
          .setPort(port)
          .setURI(pathAndQuery)
          .putHeader("Upgrade", "websocket")
          .putHeader("Connection", "Upgrade")
          .putHeader("Sec-WebSocket-Version", "13")
          .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
      headers.forEach(options::putHeader);
      return TestHttp.onEventLoop(
              vertx,
              () -> http.request(options)
                  .compose(request -> request.send())
                  // After a 101 the server speaks WebSocket on that connection; close it rather
                  // than let the HTTP client try to read frames as HTTP.
                  .compose(response -> response.statusCode() == 101
                      ? response
                          .request()
                          .connection()
                          .close()
                          .map(v -> new TestHttp.Answer(101, null))
                      : response
                          .body()
                          .map(
                              body -> new TestHttp.Answer(response.statusCode(), body.toString()))))
          .await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          "upgrade request to port " + port + pathAndQuery + " failed: " + e, e);
    } finally {
      http.close();
    }
  }

  /** Frames of this {@code type}. */
  public static Predicate<JsonObject> ofType(String type) {
    return frame -> type.equals(frame.getString("type"));
  }

  private synchronized void received(JsonObject frame) {
    frames.add(frame);
    taken.add(false);
    notifyAll();
  }

  private synchronized void receivedBinary(Buffer frame) {
    binaries.add(frame);
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

  /** Sends raw text as one text message, valid JSON or not. */
  public HubTestClient sendText(String text) {
    socket.writeTextMessage(text);
    return this;
  }

  /** Sends bytes as one binary message. */
  public HubTestClient sendBinary(Buffer bytes) {
    socket.writeBinaryMessage(bytes);
    return this;
  }

  /** The Vert.x socket, for what this client does not offer. */
  public WebSocket socket() {
    return socket;
  }

  /** Sends a frame and waits for the reply carrying its {@code id} (a result or an error). */
  public JsonObject request(JsonObject frame) {
    return request(frame, wait);
  }

  public JsonObject request(JsonObject frame, Duration timeout) {
    Object id = frame.getValue("id");
    if (id == null) {
      throw new IllegalArgumentException("a request needs an id");
    }
    send(frame);
    String wanted = String.valueOf(id);
    return await(
        reply ->
            reply.getValue("id") != null && wanted.equals(String.valueOf(reply.getValue("id"))),
        timeout);
  }

  /** Takes the first frame not taken yet that matches, waiting for it if needed. */
  public JsonObject await(Predicate<JsonObject> match) {
    return await(match, wait);
  }

  /**
   * Takes the first frame not yet taken by an earlier {@code await} that matches, waiting up to
   * {@code timeout} for it.
   *
   * @throws AssertionError when none arrives in time
   */
  public synchronized JsonObject await(Predicate<JsonObject> match, Duration timeout) {
    JsonObject[] found = new JsonObject[1];
    waitUntil(timeout, "no matching frame", () -> {
      for (int i = 0; i < frames.size(); i++) {
        if (!taken.get(i) && match.test(frames.get(i))) {
          taken.set(i, true);
          found[0] = frames.get(i);
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  /** Takes a frame of this {@code type}. */
  public JsonObject awaitType(String type) {
    return await(ofType(type), wait);
  }

  public JsonObject awaitType(String type, Duration timeout) {
    return await(ofType(type), timeout);
  }

  /** Takes the error frame with this {@code code}. */
  public JsonObject awaitError(String code) {
    return await(
        frame -> "error".equals(frame.getString("type")) && code.equals(frame.getString("code")),
        wait);
  }

  /** Waits until {@code count} frames received, taken or not, match, and returns every match. */
  public synchronized List<JsonObject> awaitReceived(Predicate<JsonObject> match, int count) {
    waitUntil(
        wait, count + " matching frames", () -> frames.stream().filter(match).count() >= count);
    return received(match);
  }

  /** Waits for the first binary message and returns it. */
  public synchronized Buffer awaitBinary() {
    waitUntil(wait, "no binary message", () -> !binaries.isEmpty());
    return binaries.get(0);
  }

  /** Waits until the server closes the connection, and returns the close code (-1: none given). */
  public int awaitClose() {
    return awaitClose(wait);
  }

  public synchronized int awaitClose(Duration timeout) {
    waitUntil(timeout, "not closed", () -> closeCode != null);
    return closeCode;
  }

  /** Every frame received so far that matches, taken or not. */
  public synchronized List<JsonObject> received(Predicate<JsonObject> match) {
    return frames.stream().filter(match).toList();
  }

  /** Every frame received so far, the {@code connected} frame first. */
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

  /** Waits, holding this client's monitor between checks, until {@code done} is true. */
  private void waitUntil(Duration timeout, String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(what + " within " + timeout + "; received " + summary());
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** What arrived, short enough for a failure message: the count and the last few frames. */
  private String summary() {
    int from = Math.max(0, frames.size() - 5);
    return frames.size() + " frames, the last ones " + frames.subList(from, frames.size())
        + (closeCode == null ? "" : ", then close " + closeCode);
  }

  /**
   * Closes the socket, then its client; only the first call does anything. A second call racing
   * the first's client close (a test closing a client its cluster closes again) read the Vert.x
   * client's close future before the first had set it, and {@code eventually} threw on the null.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Future<Void> closing = socket.isClosed() ? Future.succeededFuture() : socket.close();
    closing.eventually(client::close);
  }
}
