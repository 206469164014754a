package dev.hub.bench.jmh;

import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.node.GatewayServices;
import dev.hub.routing.LocalRegistry;
import dev.hub.session.SessionServices;
import dev.hub.transport.NodeServerOptions;
import dev.hub.transport.WebSocketEndpoint;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gateway of an open-mode node, wired by the {@link GatewayServices} a node's gateways are
 * wired by (registry, session services, {@link WebSocketEndpoint} on {@code GET /ws}) on a plain,
 * not clustered Vert.x, with {@link EmbeddedSockets} in place of the HTTP server's TCP
 * connections. Not clustered, so history and presence are the in-memory stores; no fan-out
 * consumer is attached, the benchmark calls the registry itself.
 */
final class EmbeddedHub {
  /** A channel that keeps history (the others keep none). */
  static final String HISTORY_CHANNEL = "feed:42";

  private final Vertx vertx;
  private final HubConfig config;
  private final LocalRegistry registry;
  private final EmbeddedSockets sockets;
  private final List<EmbeddedChannel> opened = new ArrayList<>();

  private EmbeddedHub(
      Vertx vertx, HubConfig config, LocalRegistry registry, EmbeddedSockets sockets) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.sockets = sockets;
  }

  /** Call on the benchmark thread, which acts as the event loop of every socket. */
  static EmbeddedHub start() {
    EventLoopThreads.expectCurrent();
    Vertx vertx = Vertx.vertx();
    // The per-connection rate limit out of the way (its check still runs): a benchmark sends far
    // more frames per second on one connection than the default allows.
    HubConfig config = ConfigReader.read(new JsonObject()
        .put("open", true)
        .put("nodeId", "bench")
        .put("limits", new JsonObject().put("ratePerSecond", 1_000_000).put("burst", 1_000_000))
        .put(
            "channels",
            new JsonArray()
                .add(new JsonObject()
                    .put("pattern", "feed:*")
                    .put("history", new JsonObject().put("size", 1000)))));
    GatewayServices gateway = GatewayServices.builder(vertx, config).build();
    SessionServices sessions = gateway.sessions(vertx);
    Router router = Router.router(vertx);
    router.get("/ws").handler(gateway.endpoint(sessions));
    return new EmbeddedHub(
        vertx,
        config,
        sessions.registry(),
        new EmbeddedSockets(vertx, NodeServerOptions.of(config, 0), router));
  }

  /**
   * Opens {@code count} connections, each its own user, and subscribes each to the channel with a
   * {@code subscribe} frame; fails unless each got {@code connected} and {@code subscribed} (with
   * the stream position, for a channel with history).
   */
  List<EmbeddedChannel> subscribe(String channel, int count) {
    String frame = new JsonObject()
        .put("type", "subscribe")
        .put("id", 1)
        .put("channel", channel)
        .encode();
    boolean history =
        config.channelOptions(channel) != null && config.channelOptions(channel).hasHistory();
    List<EmbeddedChannel> subscribed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      EmbeddedChannel socket = sockets.open("/ws?user=user-" + i);
      EmbeddedSockets.sendText(socket, frame);
      List<String> replies = EmbeddedSockets.readTexts(socket);
      if (replies.size() != 2
          || !"connected".equals(new JsonObject(replies.get(0)).getString("type"))
          || !"subscribed".equals(new JsonObject(replies.get(1)).getString("type"))
          || history != new JsonObject(replies.get(1)).containsKey("offset")) {
        throw new IllegalStateException("connection " + i + " did not subscribe: " + replies);
      }
      subscribed.add(socket);
    }
    opened.addAll(subscribed);
    return subscribed;
  }

  /** Opens one connection for the user; fails unless it got {@code connected}. */
  EmbeddedChannel connect(String user) {
    EmbeddedChannel socket = sockets.open("/ws?user=" + user);
    List<String> replies = EmbeddedSockets.readTexts(socket);
    if (replies.size() != 1
        || !"connected".equals(new JsonObject(replies.get(0)).getString("type"))) {
      throw new IllegalStateException(user + " did not connect: " + replies);
    }
    opened.add(socket);
    return socket;
  }

  /** Fails unless the socket received exactly these bytes as one text frame since the last read. */
  void expectReceived(EmbeddedChannel socket, Buffer bytes) {
    sockets.endTurn();
    List<String> texts = EmbeddedSockets.readTexts(socket);
    if (texts.size() != 1 || !texts.get(0).equals(bytes.toString())) {
      throw new IllegalStateException("expected one event " + bytes + ", got " + texts);
    }
  }

  /** Fails if any socket opened so far was closed. */
  void expectOpen(int expected) {
    long open = opened.stream().filter(EmbeddedChannel::isOpen).count();
    if (open != expected || registry.connectionCount() != expected) {
      throw new IllegalStateException(open + " sockets open, " + registry.connectionCount()
          + " connections registered; expected " + expected);
    }
  }

  LocalRegistry registry() {
    return registry;
  }

  EmbeddedSockets sockets() {
    return sockets;
  }

  void close() throws Exception {
    sockets.close();
    // Not Future.await(): Vert.x refuses that on an event-loop thread, which this one is.
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
