package dev.hub.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A WebSocket server the test speaks for: it says {@code connected} to every connection, records
 * what the client sends (with the number of the connection it came on), and sends what the test
 * says on the latest connection. For the frames a real node cannot be made to send on cue.
 */
final class FakeHub {
  static final Duration WAIT = Duration.ofSeconds(10);

  /** A frame the client sent, on its {@code connection}-th connection (0 for the first). */
  record Received(int connection, JsonObject frame) {}

  private final HttpServer server;
  private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private FakeHub(HttpServer server) {
    this.server = server;
  }

  static Future<FakeHub> start(Vertx vertx) {
    HttpServer server = vertx.createHttpServer();
    FakeHub hub = new FakeHub(server);
    server.webSocketHandler(ws -> {
      int connection = hub.sockets.size();
      hub.sockets.add(ws);
      ws.textMessageHandler(
          text -> hub.received.add(new Received(connection, new JsonObject(text))));
      ws.writeTextMessage(new JsonObject()
          .put("type", "connected")
          .put("node", "fake")
          .put("connectionId", "c" + connection)
          .put("heartbeat", 30_000)
          .encode());
    });
    return server.listen(0, "127.0.0.1").map(hub);
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  int connections() {
    return sockets.size();
  }

  /** Sends a frame on the latest connection. */
  void send(JsonObject frame) {
    sockets.get(sockets.size() - 1).writeTextMessage(frame.encode());
  }

  /** Closes the latest connection without a word, as a dying node would. */
  void drop() {
    sockets.get(sockets.size() - 1).close((short) 1011);
  }

  /** The first frame the client sent on that connection that matches, waiting for it. */
  JsonObject await(int connection, Predicate<JsonObject> match) {
    return Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> received.stream()
                .filter(r -> r.connection() == connection && match.test(r.frame()))
                .findFirst(),
            Optional::isPresent)
        .orElseThrow()
        .frame();
  }

  /** The {@code n}-th (0-based) frame of this type the client sent on that connection, waiting for it. */
  JsonObject awaitNth(int connection, String type, int n) {
    Awaitility.await().atMost(WAIT).until(() -> sent(connection, type).size() > n);
    return sent(connection, type).get(n);
  }

  List<JsonObject> sent(int connection, String type) {
    return received.stream()
        .filter(r -> r.connection() == connection && type.equals(r.frame().getString("type")))
        .map(Received::frame)
        .toList();
  }

  Future<Void> close() {
    return server.close();
  }
}
