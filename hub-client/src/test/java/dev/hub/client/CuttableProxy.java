package dev.hub.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a node whose {@link #cut()} drops every connection without a WebSocket
 * goodbye and refuses new ones: to the client, exactly a node that died (an in-process node that
 * stops always says {@code reconnect} first).
 */
final class CuttableProxy {
  private final NetServer server;
  private final NetClient client;
  private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();

  private CuttableProxy(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  static Future<CuttableProxy> start(Vertx vertx, int targetPort) {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    CuttableProxy proxy = new CuttableProxy(server, client);
    server.connectHandler(inbound -> {
      inbound.pause();
      proxy.sockets.add(inbound);
      client.connect(targetPort, "127.0.0.1").onComplete(result -> {
        if (result.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = result.result();
        proxy.sockets.add(outbound);
        inbound.handler(outbound::write);
        outbound.handler(inbound::write);
        inbound.closeHandler(v -> outbound.close());
        outbound.closeHandler(v -> inbound.close());
        inbound.resume();
      });
    });
    return server.listen(0, "127.0.0.1").map(listening -> proxy);
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  /** Stops listening and closes every proxied connection. */
  Future<Void> cut() {
    return server
        .close()
        .compose(
            v -> Future.join(sockets.stream().map(NetSocket::close).toList()).mapEmpty())
        .compose(v -> client.close());
  }
}
