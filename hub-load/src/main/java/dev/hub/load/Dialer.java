package dev.hub.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens WebSocket connections, one {@link WebSocketClient} per local source address. A client
 * bound to one address has that address's ephemeral ports (about 28 000 on Linux) towards one
 * server port; binding 127.0.0.2, 127.0.0.3, ... in turn goes past that on loopback.
 */
final class Dialer {
  static final int CONNECT_TIMEOUT_MS = 10_000;

  private final List<WebSocketClient> clients = new ArrayList<>();

  Dialer(Vertx vertx, List<String> sourceAddresses, int connections, int maxMessageBytes) {
    List<String> addresses =
        sourceAddresses.isEmpty() ? java.util.Collections.singletonList(null) : sourceAddresses;
    for (String address : addresses) {
      WebSocketClientOptions options = new WebSocketClientOptions()
          // The default allows 50 sockets per server; these stay open for the whole run.
          .setMaxConnections(Math.max(connections + 1, 50))
          .setConnectTimeout(CONNECT_TIMEOUT_MS)
          .setMaxFrameSize(Math.max(65_536, maxMessageBytes))
          .setMaxMessageSize(Math.max(262_144, 2 * maxMessageBytes));
      if (address != null) {
        options.setLocalAddress(address);
      }
      clients.add(vertx.createWebSocketClient(options));
    }
  }

  /**
   * Connects the {@code index}-th connection, from the {@code index}-th source address in turn.
   * Call it on the event loop the socket is meant for: the socket is bound to the caller's context.
   *
   * @param query added to the url's own query (null: none)
   */
  Future<WebSocket> dial(int index, URI url, String query) {
    WebSocketClient client = clients.get(index % clients.size());
    return client.connect(options(url, query));
  }

  static WebSocketConnectOptions options(URI url, String query) {
    boolean secure = "wss".equals(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String fullQuery = url.getRawQuery();
    if (query != null) {
      fullQuery = fullQuery == null || fullQuery.isEmpty() ? query : fullQuery + "&" + query;
    }
    // Not a browser: no Origin header (an open node takes only loopback origins from browsers).
    return new WebSocketConnectOptions()
        .setAllowOriginHeader(false)
        .setHost(url.getHost())
        .setPort(port)
        .setSsl(secure)
        .setURI(fullQuery == null ? path : path + "?" + fullQuery)
        .setTimeout(CONNECT_TIMEOUT_MS);
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.forEach(client -> closing.add(client.close()));
    return Future.join(closing).mapEmpty();
  }
}
