package dev.hub;

import dev.hub.api.ClusterStats;
import dev.hub.api.Readiness;
import dev.hub.auth.OpenAuthenticator;
import dev.hub.config.HubConfig;
import dev.hub.metrics.HubMetrics;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.Publisher;
import dev.hub.transport.ConnectionGate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

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
  private final ClusterMembership membership;
  private final List<GatewayVerticle> gateways;
  private final List<String> deployments;
  private final Instant startedAt;

  private HubNode(Vertx vertx, boolean ownsVertx, NodeServices services, ClusterMembership membership,
                  List<GatewayVerticle> gateways, List<String> deployments) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = services.config();
    this.services = services;
    this.membership = membership;
    this.gateways = gateways;
    this.deployments = deployments;
    this.startedAt = services.clock().instant();
  }

  /** Joins the cluster the configuration names and starts serving. */
  public static Future<HubNode> start(HubConfig config) {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return ClusterSetup.startClusteredVertx(config.cluster(), meters)
        .compose(vertx -> deploy(vertx, config, true, meters)
            .recover(failure -> {
              // Not composed on the close: its completion would run on the event loops it stops.
              vertx.close();
              return Future.failedFuture(failure);
            }));
  }

  /**
   * Starts serving on a Vert.x instance the caller owns and closes. Its {@code /metrics} shows the
   * hub's own meters; Vert.x's are there only for nodes made by {@link #start}.
   */
  public static Future<HubNode> deploy(Vertx vertx, HubConfig config) {
    return deploy(vertx, config, false, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private static Future<HubNode> deploy(Vertx vertx, HubConfig config, boolean ownsVertx,
                                        PrometheusMeterRegistry meters) {
    HubMetrics metrics = new HubMetrics(meters);
    ClusterBus clusterBus = new ClusterBus(vertx.eventBus(), metrics);
    Clock clock = Clock.systemUTC();
    ConnectionGate gate = new ConnectionGate(config.limits().connectionsPerNode());
    ClusterMembership membership = new ClusterMembership(vertx);
    Readiness readiness = new Readiness(membership::isJoined, gate);
    AtomicReference<HubNode> self = new AtomicReference<>();
    ClusterStats stats = new ClusterStats(vertx.eventBus(), membership.memberId(), membership::memberIds,
        () -> self.get().figures());
    NodeServices services = new NodeServices(config, clusterBus, new Publisher(clusterBus, clock),
        new OpenAuthenticator(), gate, clock, metrics, meters, readiness, stats);
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    List<String> deployments = new CopyOnWriteArrayList<>();
    HubNode node = new HubNode(vertx, ownsVertx, services, membership, gateways, deployments);
    self.set(node);
    NodeReport.registerGauges(node, metrics, membership, readiness);
    return vertx.deployVerticle(new PublishServiceVerticle(services))
        .onSuccess(deployments::add)
        .compose(id -> deployGateways(node, config.node().eventLoops(), config.node().port()))
        .compose(v -> vertx.deployVerticle(new StatsServiceVerticle(services)))
        .onSuccess(deployments::add)
        // Only now is every fan-out consumer registered: a client sent here is reached by all events.
        .onSuccess(v -> readiness.started())
        .map(node);
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

  /** This node's figures for {@code /api/stats}. */
  JsonObject figures() {
    return NodeReport.figures(this, services, membership, startedAt);
  }

  /**
   * Graceful stop: turns {@code /ready} down at once and stops taking connections, waits
   * {@code drainDelayMs} so load balancers notice, sends every client {@code reconnect} and close
   * 1012, waits for them (bounded), then leaves the cluster if this node owns its Vert.x.
   */
  public Future<Void> stop() {
    services.gate().startDraining();
    // Gateways first (they drain their clients), the hub.publish service last.
    Future<Void> undeployed = drainDelay(config.node().drainDelayMs());
    List<String> ids = List.copyOf(deployments);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String deployment = ids.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(deployment));
    }
    deployments.clear();
    return ownsVertx ? undeployed.eventually(vertx::close) : undeployed;
  }

  private Future<Void> drainDelay(long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(millis, id -> waited.complete());
    return waited.future();
  }

  /** The port clients connect to. */
  public int port() {
    return gateways.get(0).actualPort();
  }

  boolean isListening() {
    return !gateways.isEmpty();
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
    return membership.size();
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

  /** This node's meters, as {@code GET /metrics} shows them. */
  public PrometheusMeterRegistry meters() {
    return services.meters();
  }

  /** True while a graceful stop is under way or done. */
  public boolean isDraining() {
    return services.gate().isDraining();
  }
}
