package dev.hub;

import static org.awaitility.Awaitility.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client for node tests: records every frame it receives and its close code, and
 * lets the test thread wait, with a bound, for what it expects. Handlers are set before the
 * connection opens, so not even the {@code connected} frame can be missed.
 */
final class TestSocket {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final ClientWebSocket ws;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final List<Buffer> binaries = new CopyOnWriteArrayList<>();
  private volatile Integer closeCode;

  private TestSocket(ClientWebSocket ws) {
    this.ws = ws;
  }

  /** Connects to {@code ws://127.0.0.1:<port>/ws?user=<user>} and waits for {@code connected}. */
  static TestSocket connect(WebSocketClient client, int port, String user) throws Exception {
    ClientWebSocket ws = client.webSocket();
    TestSocket socket = new TestSocket(ws);
    ws.textMessageHandler(text -> socket.frames.add(new JsonObject(text)));
    ws.binaryMessageHandler(socket.binaries::add);
    ws.closeHandler(v -> socket.closeCode = ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode());
    ws.connect(port, "127.0.0.1", "/ws?user=" + user).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    socket.awaitType("connected");
    return socket;
  }

  static Predicate<JsonObject> ofType(String type) {
    return frame -> type.equals(frame.getString("type"));
  }

  /** Sends text as one WebSocket text message, JSON or not. */
  TestSocket send(String text) {
    ws.writeTextMessage(text);
    return this;
  }

  /** Sends bytes as one WebSocket binary message. */
  TestSocket sendBinary(Buffer bytes) {
    ws.writeBinaryMessage(bytes);
    return this;
  }

  /** Sends a frame and waits for the frame that carries its id back (a reply or an error). */
  JsonObject request(String frame) {
    Object id = new JsonObject(frame).getValue("id");
    send(frame);
    return awaitFrame(reply -> Objects.equals(id, reply.getValue("id")));
  }

  /** The first received frame that matches, waiting for it if needed. */
  JsonObject awaitFrame(Predicate<JsonObject> matches) {
    return await().atMost(WAIT).until(() -> frames.stream().filter(matches).findFirst(), Optional::isPresent)
        .orElseThrow();
  }

  JsonObject awaitType(String type) {
    return awaitFrame(ofType(type));
  }

  /** Waits until {@code count} frames match, then returns them all. */
  List<JsonObject> awaitFrames(Predicate<JsonObject> matches, int count) {
    await().atMost(WAIT).until(() -> frames.stream().filter(matches).count() >= count);
    return frames(matches);
  }

  /** Waits for the first binary message and returns it. */
  Buffer awaitBinary() {
    await("a binary message").atMost(WAIT).until(() -> !binaries.isEmpty());
    return binaries.get(0);
  }

  /** Waits for the server to close the socket and returns the close code (-1: none given). */
  int awaitClose() {
    await("the server to close the socket").atMost(WAIT).until(() -> closeCode != null);
    return closeCode;
  }

  List<JsonObject> frames() {
    return List.copyOf(frames);
  }

  List<JsonObject> frames(Predicate<JsonObject> matches) {
    return frames.stream().filter(matches).toList();
  }

  void close() {
    if (closeCode == null) {
      ws.close();
    }
  }
}
