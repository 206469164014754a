package dev.hub;

import dev.hub.auth.Authenticator;
import dev.hub.auth.JwtAuthenticator;
import dev.hub.auth.OpenAuthenticator;
import dev.hub.config.HubConfig;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.Publisher;
import dev.hub.transport.ConnectionGate;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running hub node: its verticles on a Vert.x instance, clustered or not. Start one with
 * {@link #start(HubConfig)} (a new clustered Vert.x, as {@code java -jar hub.jar} does) or
 * {@link #deploy(Vertx, HubConfig)} (onto a Vert.x the caller owns).
 */
public final class HubNode {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HubConfig config;
  private final NodeServices services;
  private final List<GatewayVerticle> gateways;
  private final List<String> deployments;

  private HubNode(Vertx vertx, boolean ownsVertx, NodeServices services, List<GatewayVerticle> gateways,
                  List<String> deployments) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = services.config();
    this.services = services;
    this.gateways = gateways;
    this.deployments = deployments;
  }

  /** Joins the cluster the configuration names and starts serving. */
  public static Future<HubNode> start(HubConfig config) {
    return ClusterSetup.startClusteredVertx(config.cluster())
        .compose(vertx -> deploy(vertx, config, true)
            .recover(failure -> {
              // Not composed on the close: its completion would run on the event loops it stops.
              vertx.close();
              return Future.failedFuture(failure);
            }));
  }

  /** Starts serving on a Vert.x instance the caller owns and closes. */
  public static Future<HubNode> deploy(Vertx vertx, HubConfig config) {
    return deploy(vertx, config, false);
  }

  private static Future<HubNode> deploy(Vertx vertx, HubConfig config, boolean ownsVertx) {
    return authenticator(vertx, config).compose(authenticator -> {
      ClusterBus clusterBus = new ClusterBus(vertx.eventBus());
      Clock clock = Clock.systemUTC();
      NodeServices services = new NodeServices(config, clusterBus, new Publisher(clusterBus, clock), authenticator,
          new ConnectionGate(config.limits().connectionsPerNode(), config.limits().connectionsPerUser()),
          () -> isClusterJoined(vertx), clock);
      List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
      List<String> deployments = new CopyOnWriteArrayList<>();
      HubNode node = new HubNode(vertx, ownsVertx, services, gateways, deployments);
      return vertx.deployVerticle(new PublishServiceVerticle(services))
          .onSuccess(deployments::add)
          .compose(id -> deployGateways(node, config.node().eventLoops(), config.node().port()))
          .map(node);
    });
  }

  /** Open mode only when configured so (ConfigReader has refused it where it is unsafe); JWTs otherwise. */
  private static Future<Authenticator> authenticator(Vertx vertx, HubConfig config) {
    if (config.node().open()) {
      return Future.succeededFuture(new OpenAuthenticator());
    }
    return JwtAuthenticator.create(vertx, config.security().auth()).map(jwt -> jwt);
  }

  private static Future<Void> deployGateways(HubNode node, int instances, int configuredPort) {
    // Servers on port 0 are not shared between instances; a negative port means "one random port,
    // shared by every server that asks for this same negative number".
    int port = configuredPort == 0 ? -1 : configuredPort;
    return node.vertx.deployVerticle(() -> {
      GatewayVerticle gateway = new GatewayVerticle(node.services, port);
      node.gateways.add(gateway);
      return gateway;
    }, new DeploymentOptions().setInstances(instances)).onSuccess(node.deployments::add).mapEmpty();
  }

  private static boolean isClusterJoined(Vertx vertx) {
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager == null || manager.isActive();
  }

  /**
   * Graceful stop: stops taking connections, sends every client {@code reconnect} and close 1012,
   * waits for them (bounded), then leaves the cluster if this node owns its Vert.x.
   */
  public Future<Void> stop() {
    services.gate().startDraining();
    // Gateways first (they drain their clients), the hub.publish service last.
    Future<Void> undeployed = Future.succeededFuture();
    List<String> ids = List.copyOf(deployments);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String deployment = ids.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(deployment));
    }
    deployments.clear();
    return ownsVertx ? undeployed.eventually(vertx::close) : undeployed;
  }

  /** The port clients connect to. */
  public int port() {
    return gateways.get(0).actualPort();
  }

  public String nodeId() {
    return config.node().nodeId();
  }

  public HubConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Members of the cluster this node sees, itself included; 1 when not clustered. */
  public int clusterSize() {
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager == null ? 1 : manager.getNodes().size();
  }

  /** Open WebSocket connections on this node. */
  public int connections() {
    return services.gate().connections();
  }

  /** Channels with at least one subscriber on this node (a channel on two event loops counts twice). */
  public Future<Integer> localChannels() {
    return Future.all(gateways.stream().map(GatewayVerticle::channelCount).toList())
        .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum());
  }

  /** The most bytes that ever waited in one connection's outbound buffer on this node. */
  public long outboundPeakBytes() {
    return services.gate().outboundPeakBytes();
  }

  /** Connections this node closed with 4009 because they stopped reading. */
  public long slowConsumerCloses() {
    return services.gate().slowConsumerCloses();
  }

  /** True while a graceful stop is under way or done. */
  public boolean isDraining() {
    return services.gate().isDraining();
  }
}
