package dev.hub.node;

import com.hazelcast.core.HazelcastInstance;
import dev.hub.auth.Authenticator;
import dev.hub.api.ClusterStats;
import dev.hub.api.Readiness;
import dev.hub.cluster.ClusterMembership;
import dev.hub.cluster.ClusterSetup;
import dev.hub.cluster.QuorumWatch;
import dev.hub.config.ChannelOptions;
import dev.hub.config.HubConfig;
import dev.hub.history.HazelcastHistoryStore;
import dev.hub.history.HistoryQuorum;
import dev.hub.history.HistoryStore;
import dev.hub.history.HistorySweeper;
import dev.hub.history.SharedHistoryReads;
import dev.hub.history.LocalHistoryStore;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.HazelcastPresenceStore;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.presence.PresenceEvents;
import dev.hub.presence.PresenceRecovery;
import dev.hub.presence.PresenceStore;
import dev.hub.protocol.CloseCode;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.FanoutProbe;
import dev.hub.routing.Publisher;
import dev.hub.routing.SubscriberCensus;
import dev.hub.transport.ConnectionGate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running hub node: its verticles on a Vert.x instance, clustered or not. Start one with
 * {@link #start(HubConfig)} (a new clustered Vert.x, as {@code java -jar hub.jar} does) or
 * {@link #deploy(Vertx, HubConfig)} (onto a Vert.x the caller owns). A node on a Vert.x that is not
 * clustered keeps history and presence in its own memory.
 */
public final class HubNode {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HubConfig config;
  private final NodeServices services;
  private final ClusterMembership membership;
  private final List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private final Instant startedAt;
  /** Set once a clustered node has started its presence recovery; null otherwise. */
  private volatile PresenceRecovery presenceRecovery;
  private QuorumWatch quorumWatch;
  private HistorySweeper sweeper;

  private HubNode(Vertx vertx, boolean ownsVertx, NodeServices services, ClusterMembership membership) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = services.config();
    this.services = services;
    this.membership = membership;
    this.startedAt = services.clock().instant();
  }

  /**
   * Joins the cluster the configuration names and starts serving. Every file the node reads (keys,
   * certificates, the cluster configuration) is read and checked first: a bad one fails the start
   * with a {@link dev.hub.config.ConfigException} before the node joins.
   */
  public static Future<HubNode> start(HubConfig config) {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return NodeInputs.readBeforeJoining(config)
        .compose(inputs -> ClusterSetup.startClusteredVertx(config, inputs.hazelcast(), meters)
            .compose(vertx -> deploy(vertx, config, inputs, true, meters)
                .recover(failure -> {
                  // Not composed on the close: its completion would run on the event loops it stops.
                  vertx.close();
                  return Future.failedFuture(failure);
                })));
  }

  /**
   * Starts serving on a Vert.x instance the caller owns and closes. Its {@code /metrics} shows the
   * hub's own meters; Vert.x's are there only for nodes made by {@link #start}.
   */
  public static Future<HubNode> deploy(Vertx vertx, HubConfig config) {
    return NodeInputs.read(vertx, config).compose(inputs ->
        deploy(vertx, config, inputs, false, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  private static Future<HubNode> deploy(Vertx vertx, HubConfig config, NodeInputs inputs, boolean ownsVertx,
                                        PrometheusMeterRegistry meters) {
    Authenticator authenticator = inputs.authenticator(vertx);
    ClusterMembership membership = new ClusterMembership(vertx, config.node().nodeId());
    AtomicReference<HubNode> self = new AtomicReference<>();
    HubNode node = new HubNode(vertx, ownsVertx,
        services(vertx, config, authenticator, meters, membership, self), membership);
    self.set(node);
    NodeServices services = node.services;
    NodeReport.registerGauges(node, services.metrics(), membership, services.readiness());
    node.quorumWatch = new QuorumWatch(vertx, services.quorum(), node::reconnectClients);
    node.sweeper = new HistorySweeper(vertx, services.history(), channels -> services.census()
        .subscribedAnywhere(vertx.eventBus(), membership.memberId(), membership::memberIds, channels));
    return services.probe().answer()
        .compose(v -> startPresence(node))
        .compose(v -> vertx.deployVerticle(new PublishServiceVerticle(services)))
        .onSuccess(node.deployments::add)
        .compose(id -> deployGateways(node, config.node().eventLoops(), config.node().port()))
        .compose(v -> vertx.deployVerticle(new StatsServiceVerticle(services)))
        .onSuccess(node.deployments::add)
        // Every fan-out consumer is registered here; the other members may not have heard of them yet.
        .onSuccess(v -> services.readiness().started())
        .onSuccess(v -> {
          node.quorumWatch.start();
          node.sweeper.start(sweepPeriodMs(config));
        })
        .compose(v -> awaitOtherNodesEvents(services))
        .map(node);
  }

  /**
   * Ready only once every other node's events reach this one: until a member has heard of this
   * node's fan-out consumers, what it publishes misses the clients here. Retries until each member
   * has relayed a probe (see {@link FanoutProbe}), logging whom it waits for.
   */
  private static Future<Void> awaitOtherNodesEvents(NodeServices services) {
    return services.probe().seenByOthers().onSuccess(v -> services.readiness().fanoutConfirmed());
  }

  private static NodeServices services(Vertx vertx, HubConfig config, Authenticator authenticator,
                                       PrometheusMeterRegistry meters, ClusterMembership membership,
                                       AtomicReference<HubNode> self) {
    Clock clock = Clock.systemUTC();
    HazelcastInstance hazelcast = hazelcast(vertx);
    HistoryQuorum quorum = hazelcast == null ? HistoryQuorum.always() : HistoryQuorum.of(hazelcast);
    int maxChannels = config.limits().historyChannels();
    HistoryStore history = hazelcast == null ? new LocalHistoryStore(clock, maxChannels)
        : new HazelcastHistoryStore(vertx, hazelcast, quorum, maxChannels,
            Duration.ofMillis(config.limits().historyTimeoutMs()));
    PresenceStore presence = hazelcast == null ? new LocalPresenceStore() : new HazelcastPresenceStore(vertx, hazelcast);
    HubMetrics metrics = new HubMetrics(meters);
    FanoutProbe probe = new FanoutProbe(vertx, membership.memberId(), membership::memberIds);
    ClusterBus clusterBus = new ClusterBus(vertx.eventBus(), metrics, probe);
    ConnectionGate gate = new ConnectionGate(config.limits().connectionsPerNode(), config.limits().connectionsPerUser(),
        config.limits().unauthenticatedPerIp(), config.limits().unauthenticatedPerNode());
    // Stats are asked of Vert.x node ids: those are what the cluster manager lists.
    ClusterStats stats = new ClusterStats(vertx.eventBus(), membership.memberId(), membership::memberIds,
        () -> self.get().figures());
    return new NodeServices(config, clusterBus, new Publisher(clusterBus, history, config, clock),
        history, presence, authenticator, gate, clock, metrics, meters,
        new Readiness(membership::isJoined, gate, quorum::present), stats,
        new SharedHistoryReads(history, metrics::gapRead), new SubscriberCensus(), quorum, probe);
  }

  private static HazelcastInstance hazelcast(Vertx vertx) {
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager instanceof HazelcastClusterManager hz ? hz.getHazelcastInstance() : null;
  }

  /**
   * Presence of a clustered node: checks that no other member has its id (the start fails if one
   * has), then keeps the cluster's presence true as members leave and as the node merges back
   * after a split.
   */
  private static Future<Void> startPresence(HubNode node) {
    HazelcastInstance hazelcast = hazelcast(node.vertx);
    if (!(node.services.presence() instanceof HazelcastPresenceStore store)) {
      return Future.succeededFuture();
    }
    PresenceEvents events = new PresenceEvents(node.services.publisher(), node.config);
    return PresenceRecovery.start(node.vertx, hazelcast, store, node.nodeId(), events)
        .onSuccess(recovery -> node.presenceRecovery = recovery)
        .mapEmpty();
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

  /**
   * How often idle history is looked for: half the shortest retention, between 1 s and a minute, so
   * a channel is freed within about one and a half of its retention after its last event.
   */
  private static long sweepPeriodMs(HubConfig config) {
    long shortest = config.channels().stream().filter(ChannelOptions::hasHistory)
        .mapToLong(options -> options.historyTtl().toMillis()).min().orElse(60_000);
    return Math.max(1_000, Math.min(60_000, shortest / 2));
  }

  /**
   * This node lost sight of the cluster's majority: it cannot serve history, and the events of
   * the nodes it no longer sees do not reach it. Its clients are sent {@code reconnect} so they
   * move to a node that can serve them; {@code /ready} already says 503.
   */
  private void reconnectClients() {
    gateways.forEach(GatewayVerticle::reconnectClients);
  }

  /** This node's figures for {@code /api/stats}. */
  JsonObject figures() {
    return NodeReport.figures(this, services, membership, startedAt);
  }

  /**
   * Graceful stop: turns {@code /ready} down at once and stops taking connections, waits
   * {@code drainDelayMs} so load balancers notice, then on every connection refuses new frames,
   * lets the requests in flight send their replies, sends {@code reconnect} and close 1012; waits
   * for the clients (bounded by {@code drainTimeoutMs}), then leaves the cluster if this node owns
   * its Vert.x.
   */
  public Future<Void> stop() {
    services.gate().startDraining();
    if (quorumWatch != null) {
      quorumWatch.stop();
      sweeper.stop();
    }
    // Gateways first (they drain their clients), the hub.publish service last.
    Future<Void> undeployed = drainDelay(config.node().drainDelayMs());
    List<String> ids = List.copyOf(deployments);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String deployment = ids.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(deployment));
    }
    deployments.clear();
    undeployed = undeployed.onComplete(v -> {
      if (presenceRecovery != null) {
        presenceRecovery.stop();
      }
    }).eventually(() -> services.probe().stop());
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

  /** The most bytes that ever waited in one connection's outbound buffer on this node. */
  public long outboundPeakBytes() {
    return services.gate().outboundPeakBytes();
  }

  /** Connections this node closed with 4009 because they stopped reading (as {@code /metrics} counts them). */
  public long slowConsumerCloses() {
    return services.metrics().closes(CloseCode.SLOW_CONSUMER);
  }

  /** This node's meters, as {@code GET /metrics} shows them. */
  public PrometheusMeterRegistry meters() {
    return services.meters();
  }

  /** Cluster members that hold data but are not hub nodes (services that are not lite members); 0 when not clustered. */
  int foreignDataMembers() {
    PresenceRecovery recovery = presenceRecovery;
    return recovery == null ? 0 : recovery.foreignDataMembers();
  }

  /** True while a graceful stop is under way or done. */
  public boolean isDraining() {
    return services.gate().isDraining();
  }
}
