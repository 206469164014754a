package dev.hub.node;

import dev.hub.api.HttpApi;
import dev.hub.auth.Authenticator;
import dev.hub.auth.OpenAuthenticator;
import dev.hub.auth.OriginPolicy;
import dev.hub.config.HubConfig;
import dev.hub.config.LimitsConfig;
import dev.hub.history.HistoryStore;
import dev.hub.history.LocalHistoryStore;
import dev.hub.history.SharedHistoryReads;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.presence.PresenceStore;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.FanoutProbe;
import dev.hub.routing.LocalRegistry;
import dev.hub.routing.Publisher;
import dev.hub.routing.SubscriberCensus;
import dev.hub.session.SessionServices;
import dev.hub.transport.ConnectionGate;
import dev.hub.transport.WebSocketEndpoint;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * What the gateways of one node share, and the one place where each event loop's parts are made
 * from it: its {@link LocalRegistry} with the {@link SessionServices} of its sessions, its
 * {@link WebSocketEndpoint} and its {@link HttpApi}. The node builds it from its cluster's stores;
 * tests and benchmarks build it with {@link #builder}, which fills in what they leave out as a node
 * that is not clustered has it, so that they run sessions wired exactly as a node wires them.
 *
 * @param publisher publishes on the {@code clusterBus}, keeping history in {@code history}
 * @param census which channels have subscribers on this node; each registry tells it
 * @param reads history reads shared by the node's event loops (gap fills)
 * @param gate the node's connection limits and drain state
 * @param origins which pages may use {@code /ws} and {@code /api}
 */
public record GatewayServices(
    HubConfig config,
    Authenticator authenticator,
    HistoryStore history,
    PresenceStore presence,
    ClusterBus clusterBus,
    Publisher publisher,
    SubscriberCensus census,
    SharedHistoryReads reads,
    ConnectionGate gate,
    OriginPolicy origins,
    HubMetrics metrics,
    Clock clock) {

  /** Parts for a node on this Vert.x with this configuration; see {@link Builder} for the defaults. */
  public static Builder builder(Vertx vertx, HubConfig config) {
    return new Builder(vertx, config);
  }

  /**
   * A new registry for one event loop, and what that loop's sessions share. Call once per event
   * loop, on it: the registry takes no locks.
   */
  public SessionServices sessions(Vertx vertx) {
    LocalRegistry registry = new LocalRegistry(metrics, census, reads, vertx);
    return new SessionServices(
        vertx, config, authenticator, registry, publisher, history, presence, clock);
  }

  /** The {@code GET /ws} handler of one event loop, opening sessions with its services. */
  public WebSocketEndpoint endpoint(SessionServices sessions) {
    return new WebSocketEndpoint(sessions, gate, origins, metrics);
  }

  /** {@code /api/publish}, history and presence, for one event loop's router. */
  public HttpApi httpApi() {
    return new HttpApi(config, publisher, history, presence, authenticator, origins, metrics);
  }

  /**
   * Builds {@link GatewayServices}. What is not given is what a node that is not clustered has:
   * history and presence in memory, the system clock, meters that go nowhere, an open node's
   * authenticator (a secured one must be given its own), and no fan-out probe.
   */
  public static final class Builder {
    private final Vertx vertx;
    private final HubConfig config;
    private Authenticator authenticator;
    private HistoryStore history;
    private PresenceStore presence;
    private HubMetrics metrics;
    private FanoutProbe probe;
    private Clock clock = Clock.systemUTC();

    private Builder(Vertx vertx, HubConfig config) {
      this.vertx = vertx;
      this.config = config;
    }

    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    public Builder history(HistoryStore history) {
      this.history = history;
      return this;
    }

    public Builder presence(PresenceStore presence) {
      this.presence = presence;
      return this;
    }

    public Builder metrics(HubMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Where fan-out consumers hand the probes of a starting node (see {@link FanoutProbe}). */
    public Builder probe(FanoutProbe probe) {
      this.probe = probe;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** @throws IllegalStateException for a node that is not open and was given no authenticator */
    public GatewayServices build() {
      LimitsConfig limits = config.limits();
      HistoryStore historyStore =
          history != null ? history : new LocalHistoryStore(clock, limits.historyChannels());
      HubMetrics meters = metrics != null ? metrics : HubMetrics.detached();
      ClusterBus clusterBus = new ClusterBus(vertx.eventBus(), meters, probe);
      ConnectionGate gate = new ConnectionGate(
          limits.connectionsPerNode(),
          limits.connectionsPerUser(),
          limits.unauthenticatedPerIp(),
          limits.unauthenticatedPerNode());
      return new GatewayServices(
          config,
          authenticator(),
          historyStore,
          presence != null ? presence : new LocalPresenceStore(),
          clusterBus,
          new Publisher(clusterBus, historyStore, config, clock),
          new SubscriberCensus(),
          new SharedHistoryReads(historyStore, meters::gapRead),
          gate,
          OriginPolicy.forNode(config),
          meters,
          clock);
    }

    private Authenticator authenticator() {
      if (authenticator != null) {
        return authenticator;
      }
      if (!config.node().open()) {
        throw new IllegalStateException(
            "a node that is not open needs the authenticator of its keys");
      }
      return new OpenAuthenticator();
    }
  }
}
