package dev.hub.node;

import dev.hub.api.Readiness;
import dev.hub.cluster.ClusterMembership;
import dev.hub.metrics.HubMetrics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/** What a node reports about itself: the gauges of {@code /metrics} and its figures in {@code /api/stats}. */
final class NodeReport {
  private NodeReport() {
  }

  static void registerGauges(HubNode node, HubMetrics metrics, ClusterMembership membership, Readiness readiness) {
    metrics.gauge("hub.connections", "Open WebSocket connections on this node", node::connections);
    metrics.gauge("hub.cluster.members", "Cluster members this node sees, itself included", membership::size);
    metrics.gauge("hub.ready", "1 while /ready answers 200", () -> readiness.isReady() ? 1 : 0);
    // Read when scraped, which happens off the event loop (see OperationsApi).
    metrics.gauge("hub.cluster.safe", "1 when every partition's backup is in sync: another member may leave",
        () -> membership.isSafe() ? 1 : 0);
    metrics.gauge("hub.cluster.foreign.data.members",
        "Cluster members that hold data but are not hub nodes (services must be lite members); should be 0",
        node::foreignDataMembers);
  }

  static JsonObject figures(HubNode node, NodeServices services, ClusterMembership membership, Instant startedAt) {
    int port = node.isListening() ? node.port() : node.config().node().port();
    return new JsonObject()
        .put("node", node.nodeId())
        .put("member", membership.memberId())
        .put("address", node.config().node().host() + ":" + port)
        .put("eventBus", membership.eventBusAddress())
        .put("connections", node.connections())
        .put("subscriptions", services.metrics().subscriptions())
        .put("channels", services.metrics().channels())
        .put("uptimeSeconds", Duration.between(startedAt, services.clock().instant()).toSeconds())
        .put("ready", services.readiness().isReady())
        .put("draining", node.isDraining());
  }
}
