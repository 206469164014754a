package dev.hub.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.transport.Transport;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The least a WebSocket fan-out server can be, to measure the hub against: WebSocket upgrades on any
 * path, and every text or binary message written, unchanged, to every connected socket (the sender
 * too). Deliberately naive: each write encodes the message again, no protocol, no cluster, no
 * back-pressure, no limits. One event loop unless told otherwise.
 */
public final class BaselineServer {
  private final Vertx vertx;
  private final int port;
  private final String transport;

  private BaselineServer(Vertx vertx, int port, String transport) {
    this.vertx = vertx;
    this.port = port;
    this.transport = transport;
  }

  /**
   * Starts a server with a Vert.x of its own.
   *
   * @param port 0 for any free port ({@link #port()} tells which)
   * @param eventLoops the server's event loops, each with a server instance on the shared port
   * @param transport {@code nio}, what a Vert.x server gets unless told otherwise, or {@code epoll}
   *     (Linux's, as a hub node picks where it loads), to tell the transport's share of a difference
   *     from the rest
   */
  public static Future<BaselineServer> start(
      String host, int port, int eventLoops, String transport) {
    Transport chosen = switch (transport) {
      case "nio" -> Transport.NIO;
      case "epoll" -> Transport.EPOLL;
      default ->
        throw new IllegalArgumentException("--transport must be nio or epoll, not " + transport);
    };
    if (!chosen.available()) {
      return Future.failedFuture(new IllegalStateException(
          transport + " is not available here: " + chosen.unavailabilityCause()));
    }
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(eventLoops))
        .withTransport(chosen)
        .build();
    Set<ServerWebSocket> sockets = ConcurrentHashMap.newKeySet();
    // The first instance finds the port (it may be 0: any free one), the others share it.
    FanoutVerticle first = new FanoutVerticle(host, port, sockets);
    return vertx
        .deployVerticle(first)
        .map(id -> first.actualPort)
        .compose(actual -> eventLoops == 1
            ? Future.succeededFuture(actual)
            : vertx
                .deployVerticle(
                    () -> new FanoutVerticle(host, actual, sockets),
                    new DeploymentOptions().setInstances(eventLoops - 1))
                .map(id -> actual))
        .map(actual -> new BaselineServer(vertx, actual, chosen.name()))
        .onFailure(e -> vertx.close());
  }

  public int port() {
    return port;
  }

  /** The socket transport it runs on: nio or epoll. */
  public String transport() {
    return transport;
  }

  public Future<Void> close() {
    return vertx.close();
  }

  private static final class FanoutVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final Set<ServerWebSocket> sockets;
    private volatile int actualPort;

    FanoutVerticle(String host, int port, Set<ServerWebSocket> sockets) {
      this.host = host;
      this.port = port;
      this.sockets = sockets;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions()
          .setHost(host)
          .setPort(port)
          .setMaxWebSocketFrameSize(16 * 1024 * 1024)
          .setMaxWebSocketMessageSize(16 * 1024 * 1024));
      return server
          .webSocketHandler(this::accept)
          .listen()
          .onSuccess(s -> actualPort = s.actualPort());
    }

    private void accept(ServerWebSocket socket) {
      sockets.add(socket);
      socket.closeHandler(v -> sockets.remove(socket));
      socket.exceptionHandler(e -> sockets.remove(socket));
      socket.textMessageHandler(text -> sockets.forEach(each -> each.writeTextMessage(text)));
      socket.binaryMessageHandler(data -> sockets.forEach(each -> each.writeBinaryMessage(data)));
    }
  }
}
