package dev.hub.transport;

import dev.hub.config.HubConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The HTTP and WebSocket server options a node listens with, in one place: the gateway uses them,
 * and so do the JMH benchmarks' embedded sockets, so that they measure the node's settings.
 */
public final class NodeServerOptions {
  private NodeServerOptions() {}

  /** The options of a node's server on {@code port}. */
  public static HttpServerOptions of(HubConfig config, int port) {
    // Frames up to twice the limit reach the connection, which answers too_large before closing
    // with 1009; Netty's decoder refuses bigger ones from their header, before they are buffered,
    // and the ChannelGuard has the connection answer the same.
    int wireLimit = config.limits().frameBytes() * 2;
    HttpServerOptions options = new HttpServerOptions();
    if (config.security().tls().enabled()) {
      options
          .setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions()
              .setCertPath(config.security().tls().certFile())
              .setKeyPath(config.security().tls().keyFile()));
    }
    return options
        .setPort(port)
        .setHost(config.node().host())
        .setMaxWebSocketFrameSize(wireLimit)
        .setMaxWebSocketMessageSize(wireLimit)
        // No event-bus handler per socket: that registration per connection is what the hub avoids.
        .setRegisterWebSocketWriteHandlers(false)
        // Compression would deflate the shared, pre-encoded event once per socket.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 only. With cleartext HTTP/2 on, Vert.x sets a connection up only once its first
        // bytes show which protocol it speaks, so a socket that sends nothing would escape the
        // request deadline (RequestDeadline); nothing of the hub speaks HTTP/2.
        .setHttp2ClearTextEnabled(false)
        .setWebSocketClosingTimeout(2);
  }
}
