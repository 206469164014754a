package dev.hub;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client for node tests: records what it receives and waits, with a bound, for what a
 * test expects. Also {@link #upgrade}, which shows what a refused upgrade answered.
 */
public final class WsClient implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<String> texts = new ArrayList<>();
  private Integer closeCode;

  private WsClient(WebSocketClient client, ClientWebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(this::received);
    socket.closeHandler(v -> closed(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
  }

  /** Connects and waits for the {@code connected} frame. */
  public static WsClient connect(Vertx vertx, int port, String path) {
    return connect(vertx, port, path, MultiMap.caseInsensitiveMultiMap(), true);
  }

  /** Connects; waits for {@code connected} when asked (a refused socket may get an error first). */
  public static WsClient connect(Vertx vertx, int port, String path, MultiMap headers, boolean awaitConnected) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::addHeader);
    // Handlers are set before the socket connects, so not even the connected frame can be missed.
    WsClient ws = new WsClient(client, client.webSocket());
    try {
      ws.socket.connect(options).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (awaitConnected) {
        ws.awaitType("connected");
      }
      return ws;
    } catch (Exception e) {
      client.close();
      throw new AssertionError("could not connect to " + path + ": " + e, e);
    }
  }

  /** The status and body an upgrade request to {@code path} gets (101 means it was accepted). */
  public static Answer upgrade(Vertx vertx, int port, String path, MultiMap headers) {
    HttpClient http = vertx.createHttpClient();
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
          .setURI(path)
          .putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
          .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
      headers.forEach(options::putHeader);
      return OnEventLoop.run(vertx, () -> http.request(options)
          .compose(request -> request.send())
          // After a 101 the server speaks WebSocket on that connection; close it rather than let
          // the HTTP client try to read frames as HTTP.
          .compose(response -> response.statusCode() == 101
              ? response.request().connection().close().map(v -> new Answer(101, null))
              : response.body().map(body -> new Answer(response.statusCode(), body.toString()))))
          .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("upgrade request failed: " + e, e);
    } finally {
      http.close();
    }
  }

  /** A refused or accepted upgrade. */
  public record Answer(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private synchronized void received(String text) {
    texts.add(text);
    frames.add(new JsonObject(text));
    notifyAll();
  }

  private synchronized void closed(int code) {
    closeCode = code;
    notifyAll();
  }

  public WsClient send(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
    return this;
  }

  public WsClient sendText(String text) {
    socket.writeTextMessage(text);
    return this;
  }

  public WebSocket socket() {
    return socket;
  }

  /** The first received frame matching, waiting up to {@link #WAIT}. */
  public synchronized JsonObject await(Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (JsonObject frame : frames) {
        if (match.test(frame)) {
          return frame;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching frame within " + WAIT + "; received " + summary());
      }
      waitNanos(left);
    }
  }

  public JsonObject awaitType(String type) {
    return await(f -> type.equals(f.getString("type")));
  }

  /** The error frame with this code. */
  public JsonObject awaitError(String code) {
    return await(f -> "error".equals(f.getString("type")) && code.equals(f.getString("code")));
  }

  public synchronized int awaitClose() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (closeCode == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("not closed within " + WAIT + "; received " + summary());
      }
      waitNanos(left);
    }
    return closeCode;
  }

  /** What arrived, short enough for a failure message: the count and the last few frames. */
  private String summary() {
    int from = Math.max(0, frames.size() - 5);
    return frames.size() + " frames, the last ones " + frames.subList(from, frames.size());
  }

  public synchronized List<JsonObject> received(Predicate<JsonObject> match) {
    return frames.stream().filter(match).toList();
  }

  public synchronized boolean isClosed() {
    return closeCode != null;
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
    if (!socket.isClosed()) {
      socket.close();
    }
    client.close();
  }
}
