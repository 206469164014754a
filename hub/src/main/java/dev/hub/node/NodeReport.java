package dev.hub.node;

import dev.hub.api.Readiness;
import dev.hub.cluster.ClusterMembership;
import dev.hub.cluster.NodeIdentity;
import dev.hub.config.HubConfig;
import dev.hub.metrics.HubMetrics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/** What a node reports about itself: the gauges of {@code /metrics} and its figures in {@code /api/stats}. */
final class NodeReport {
  private final HubConfig config;
  private final ClusterMembership membership;
  private final GatewayServices services;
  private final Readiness readiness;
  private final Gateways gateways;
  private final Instant startedAt;

  NodeReport(
      HubConfig config,
      ClusterMembership membership,
      GatewayServices services,
      Readiness readiness,
      Gateways gateways,
      Instant startedAt) {
    this.config = config;
    this.membership = membership;
    this.services = services;
    this.readiness = readiness;
    this.gateways = gateways;
    this.startedAt = startedAt;
  }

  /** @param foreignDataMembers cluster members that hold data but are not hub nodes */
  void registerGauges(IntSupplier foreignDataMembers) {
    HubMetrics metrics = services.metrics();
    metrics.gauge(
        "hub.connections", "Open WebSocket connections on this node", services.gate()::connections);
    metrics.gauge(
        "hub.cluster.members", "Cluster members this node sees, itself included", membership::size);
    metrics.gauge("hub.ready", "1 while /ready answers 200", () -> readiness.isReady() ? 1 : 0);
    // Read when scraped, which happens off the event loop (see OperationsApi).
    metrics.gauge(
        "hub.cluster.safe",
        "1 when every partition's backup is in sync: another member may leave",
        () -> membership.isSafe() ? 1 : 0);
    metrics.gauge(
        "hub.cluster.foreign.data.members",
        "Cluster members that hold data but are not hub nodes (services must be lite members); should be 0",
        foreignDataMembers::getAsInt);
  }

  /** This node's figures for {@code /api/stats}. */
  JsonObject figures() {
    NodeIdentity identity = membership.identity();
    int port = gateways.isListening() ? gateways.port() : config.node().port();
    return new JsonObject()
        .put("node", identity.nodeId())
        .put("member", identity.busMemberId())
        .put("address", config.node().host() + ":" + port)
        .put("eventBus", membership.eventBusAddress())
        .put("connections", services.gate().connections())
        .put("subscriptions", services.metrics().subscriptions())
        .put("channels", services.metrics().channels())
        .put(
            "uptimeSeconds",
            Duration.between(startedAt, services.clock().instant()).toSeconds())
        .put("ready", readiness.isReady())
        .put("draining", services.gate().isDraining());
  }
}
