package dev.hub.node;

import dev.hub.api.ClusterStats;
import dev.hub.api.OperationsApi;
import dev.hub.api.Readiness;
import dev.hub.auth.Authenticator;
import dev.hub.cluster.ClusterMembership;
import dev.hub.cluster.ClusterSetup;
import dev.hub.cluster.NodeIdentity;
import dev.hub.cluster.QuorumWatch;
import dev.hub.config.ChannelOptions;
import dev.hub.config.HubConfig;
import dev.hub.history.HistorySweeper;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.PresenceEvents;
import dev.hub.presence.PresenceRecovery;
import dev.hub.protocol.CloseCode;
import dev.hub.routing.FanoutProbe;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running hub node: its verticles on a Vert.x instance, clustered or not. Start one with
 * {@link #start(HubConfig)} (a new clustered Vert.x, as {@code java -jar hub.jar} does) or
 * {@link #deploy(Vertx, HubConfig)} (onto a Vert.x the caller owns). A node on a Vert.x that is not
 * clustered keeps history and presence in its own memory.
 *
 * <p>This class is where a node is put together, and the only one: its constructor builds each part
 * from the parts it needs (none of them knows the node), and {@link #serve()} starts them in the
 * order the cluster needs.
 */
public final class HubNode {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HubConfig config;
  private final PrometheusMeterRegistry meters;
  private final ClusterMembership membership;
  private final FanoutProbe probe;
  private final GatewayServices services;
  private final Readiness readiness;
  private final Gateways gateways;
  private final ClusterStats stats;
  /** Null for a node that is not clustered. */
  private final PresenceRecovery presenceRecovery;

  private final QuorumWatch quorumWatch;
  private final HistorySweeper sweeper;
  private final List<String> deployments = new CopyOnWriteArrayList<>();

  private HubNode(
      Vertx vertx,
      boolean ownsVertx,
      HubConfig config,
      Authenticator authenticator,
      PrometheusMeterRegistry meters) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.config = config;
    this.meters = meters;
    Clock clock = Clock.systemUTC();
    membership = new ClusterMembership(vertx, config.node().nodeId());
    NodeIdentity identity = membership.identity();
    NodeStores stores = NodeStores.of(vertx, config, clock);
    HubMetrics metrics = new HubMetrics(meters);
    probe = new FanoutProbe(vertx, identity.busMemberId(), membership::busMemberIds, metrics);
    services = GatewayServices.builder(vertx, config)
        .authenticator(authenticator)
        .clock(clock)
        .history(stores.history())
        .presence(stores.presence())
        .metrics(metrics)
        .probe(probe)
        .build();
    readiness = new Readiness(membership::isJoined, services.gate(), stores.quorum()::present);
    gateways = new Gateways(vertx);
    presenceRecovery = stores.presenceRecovery(
        vertx, identity.nodeId(), new PresenceEvents(services.publisher(), config));
    NodeReport report =
        new NodeReport(config, membership, services, readiness, gateways, clock.instant());
    report.registerGauges(
        presenceRecovery == null ? () -> 0 : presenceRecovery::foreignDataMembers);
    stats = new ClusterStats(
        vertx.eventBus(), identity.busMemberId(), membership::busMemberIds, report::figures);
    quorumWatch = new QuorumWatch(vertx, stores.quorum(), gateways::reconnectClients);
    sweeper = new HistorySweeper(
        vertx,
        stores.history(),
        channels -> services
            .census()
            .subscribedAnywhere(
                vertx.eventBus(), identity.busMemberId(), membership::busMemberIds, channels));
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
            .compose(vertx -> assemble(vertx, true, config, inputs, meters).recover(failure -> {
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
    return NodeInputs.read(vertx, config)
        .compose(inputs -> assemble(
            vertx, false, config, inputs, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  private static Future<HubNode> assemble(
      Vertx vertx,
      boolean ownsVertx,
      HubConfig config,
      NodeInputs inputs,
      PrometheusMeterRegistry meters) {
    return new HubNode(vertx, ownsVertx, config, inputs.authenticator(vertx), meters).serve();
  }

  /** Starts the parts, each step once the one before is done. */
  private Future<HubNode> serve() {
    return answerProbes()
        .compose(v -> startPresenceRecovery())
        .compose(v -> deployPublishService())
        .compose(v -> deployGateways())
        .compose(v -> deployNodeAddresses())
        .compose(v -> startWatchers())
        .compose(v -> awaitOtherNodesEvents())
        .map(this);
  }

  /** Relays the probes of nodes that start after this one; before this node publishes anything. */
  private Future<Void> answerProbes() {
    return probe.answer();
  }

  /**
   * Presence of a clustered node: checks that no other member has its id (the start fails if one
   * has), then keeps the cluster's presence true as members leave and as the node merges back
   * after a split.
   */
  private Future<Void> startPresenceRecovery() {
    return presenceRecovery == null ? Future.succeededFuture() : presenceRecovery.start();
  }

  private Future<Void> deployPublishService() {
    return deploy(new PublishServiceVerticle(services.publisher()));
  }

  /** One gateway per event loop, with this node's fan-out consumers and its port. */
  private Future<Void> deployGateways() {
    OperationsApi operations = new OperationsApi(vertx, readiness, meters, stats);
    return gateways
        .deploy(services, operations, config.node().eventLoops(), config.node().port())
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  /** The addresses on which other nodes ask this one for its figures and its channels. */
  private Future<Void> deployNodeAddresses() {
    return deploy(
        new StatsServiceVerticle(stats, services.census(), membership.identity().busMemberId()));
  }

  /**
   * Every fan-out consumer is registered: the node has started, though the other members may not
   * have heard of its consumers yet (see {@link #awaitOtherNodesEvents}). Watches the quorum and
   * frees idle history from now on.
   */
  private Future<Void> startWatchers() {
    readiness.started();
    quorumWatch.start();
    sweeper.start(sweepPeriodMs(config));
    return Future.succeededFuture();
  }

  /**
   * Ready only once every other node's events reach this one: until a member has heard of this
   * node's fan-out consumers, what it publishes misses the clients here. Retries until each member
   * has relayed a probe (see {@link FanoutProbe}), logging whom it waits for; then keeps checking.
   */
  private Future<Void> awaitOtherNodesEvents() {
    return probe.seenByOthers().onSuccess(v -> {
      readiness.fanoutConfirmed();
      probe.watch();
    });
  }

  private Future<Void> deploy(Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(deployments::add).mapEmpty();
  }

  /**
   * How often idle history is looked for: half the shortest retention, between 1 s and a minute, so
   * a channel is freed within about one and a half of its retention after its last event.
   */
  private static long sweepPeriodMs(HubConfig config) {
    long shortest = config.channels().stream()
        .filter(ChannelOptions::hasHistory)
        .mapToLong(options -> options.historyTtl().toMillis())
        .min()
        .orElse(60_000);
    return Math.max(1_000, Math.min(60_000, shortest / 2));
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
    quorumWatch.stop();
    sweeper.stop();
    // Gateways first (they drain their clients), the hub.publish service last.
    Future<Void> undeployed = drainDelay(config.node().drainDelayMs());
    List<String> ids = List.copyOf(deployments);
    for (int i = ids.size() - 1; i >= 0; i--) {
      String deployment = ids.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(deployment));
    }
    deployments.clear();
    undeployed = undeployed
        .onComplete(v -> {
          if (presenceRecovery != null) {
            presenceRecovery.stop();
          }
        })
        .eventually(probe::stop);
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
    return gateways.port();
  }

  /** The hub's own id for this node ({@code --node-id}); {@link #identity()} has both of its ids. */
  public String nodeId() {
    return config.node().nodeId();
  }

  /** The node's id and its id on the event bus (see {@link NodeIdentity}). */
  public NodeIdentity identity() {
    return membership.identity();
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
    return gateways.localChannels();
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
    return meters;
  }

  /** True while a graceful stop is under way or done. */
  public boolean isDraining() {
    return services.gate().isDraining();
  }
}
