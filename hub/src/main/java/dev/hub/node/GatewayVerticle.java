package dev.hub.node;

import dev.hub.api.LoopbackHostGuard;
import dev.hub.api.OperationsApi;
import dev.hub.config.HubConfig;
import dev.hub.routing.LocalRegistry;
import dev.hub.session.SessionServices;
import dev.hub.transport.NodeServerOptions;
import dev.hub.transport.RequestDeadline;
import dev.hub.transport.WebSocketEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the node: its connections and their registry, its consumer of
 * fan-out events, and an instance of the shared HTTP server. The node runs one per event loop;
 * Vert.x spreads accepted connections over them.
 */
final class GatewayVerticle extends VerticleBase {
  private final GatewayServices services;
  private final OperationsApi operations;
  private final int port;
  private LocalRegistry registry;
  private WebSocketEndpoint endpoint;
  private MessageConsumer<Object> fanout;
  private HttpServer server;

  /**
   * @param operations {@code /health}, {@code /ready}, {@code /metrics} and {@code /api/stats}, the
   *     same for every event loop
   * @param port the port to listen on; every instance of a node asks for the same one, so they
   *     share one server socket
   */
  GatewayVerticle(GatewayServices services, OperationsApi operations, int port) {
    this.services = services;
    this.operations = operations;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HubConfig config = services.config();
    SessionServices sessions = services.sessions(vertx);
    registry = sessions.registry();
    endpoint = services.endpoint(sessions);
    return services
        .clusterBus()
        .attach(registry)
        .compose(consumer -> {
          fanout = consumer;
          return vertx
              .createHttpServer(NodeServerOptions.of(config, port))
              .connectionHandler(connection ->
                  RequestDeadline.install(connection, config.limits().requestTimeoutMs()))
              .requestHandler(router())
              .listen();
        })
        .onSuccess(listening -> {
          server = listening;
          long intervalNanos = TimeUnit.MILLISECONDS.toNanos(config.node().heartbeatMs());
          vertx.setPeriodic(config.node().heartbeatMs(), id -> endpoint.heartbeat(intervalNanos));
        });
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(LoopbackHostGuard.forNode(services.config()));
    router.get("/ws").handler(endpoint);
    services.httpApi().mount(router);
    // After HttpApi: its admin check guards /api/stats too.
    operations.mount(router);
    // The JavaScript client and the live console, from the jar's webroot (hub-client.js is copied
    // there from clients/js at build time). One regex route naming the files, so nothing shadows
    // /ws or /api; a plain path route would make StaticHandler strip the path and serve index.html.
    router
        .getWithRegex("^/(hub-client\\.js|console\\.js|console\\.css)?$")
        .handler(StaticHandler.create("webroot").setMaxAgeSeconds(60));
    return router;
  }

  /**
   * Graceful stop: every client's requests in flight send their replies, then it gets
   * {@code reconnect} and close 1012, then the server closes. All within {@code drainTimeoutMs}.
   */
  @Override
  public Future<?> stop() {
    long drainMs = services.config().node().drainTimeoutMs();
    return endpoint
        .drainAll(settleMs())
        .timeout(drainMs, TimeUnit.MILLISECONDS)
        .recover(timedOut -> Future.succeededFuture())
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .compose(v -> fanout == null ? Future.succeededFuture() : fanout.unregister());
  }

  /** Sends every client of this event loop {@code reconnect} and close 1012, on this loop. */
  void reconnectClients() {
    context.runOnContext(v -> endpoint.reconnectAll(settleMs()));
  }

  /**
   * How long the requests in flight on a connection may hold its {@code reconnect} back: half of
   * {@code drainTimeoutMs}, so the other half is left for the clients to close.
   */
  private long settleMs() {
    return services.config().node().drainTimeoutMs() / 2;
  }

  int actualPort() {
    return server.actualPort();
  }

  /** Channels with subscribers on this event loop, read on that loop (the registry has no locks). */
  Future<Integer> channelCount() {
    Promise<Integer> count = Promise.promise();
    context.runOnContext(v -> count.complete(registry.channelCount()));
    return count.future();
  }
}
