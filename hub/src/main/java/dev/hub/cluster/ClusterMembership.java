package dev.hub.cluster;

import dev.hub.internals.VertxInternals;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * This node's place in its cluster, as readiness, stats and metrics need it: who it is
 * ({@link NodeIdentity}) and who else is there. A node on a Vert.x that is not clustered is a
 * cluster of one, always joined.
 */
public final class ClusterMembership {
  private final ClusterManager manager;
  private final NodeIdentity identity;

  /** Call once the Vert.x has joined its cluster, when the cluster manager has given the member its id. */
  public ClusterMembership(Vertx vertx, String nodeId) {
    this.manager = VertxInternals.clusterManager(vertx);
    this.identity = new NodeIdentity(nodeId, manager == null ? nodeId : manager.getNodeId());
  }

  public NodeIdentity identity() {
    return identity;
  }

  /** True while this node is a member of its cluster. */
  public boolean isJoined() {
    if (manager == null) {
      return true;
    }
    try {
      // Active is not enough: a member that Hazelcast has shut down under Vert.x stays "active".
      return manager.isActive() && manager.getNodes().contains(manager.getNodeId());
    } catch (RuntimeException notRunning) {
      return false;
    }
  }

  /** Every member's {@link NodeIdentity#busMemberId()}, this node's included. */
  public List<String> busMemberIds() {
    return manager == null ? List.of(identity.busMemberId()) : manager.getNodes();
  }

  public int size() {
    return manager == null ? 1 : manager.getNodes().size();
  }

  /** {@code host:port} of this node's event bus, or null when not clustered. */
  public String eventBusAddress() {
    NodeInfo info = manager == null ? null : manager.getNodeInfo();
    return info == null ? null : info.host() + ":" + info.port();
  }

  /**
   * True when every Hazelcast partition's backup is in sync, so another member may leave without
   * losing history or presence: what a rolling restart waits for. It asks the other members, so
   * call it off the event loop.
   */
  public boolean isSafe() {
    if (!(manager instanceof HazelcastClusterManager hazelcast)) {
      return true;
    }
    try {
      return hazelcast.getHazelcastInstance().getPartitionService().isClusterSafe();
    } catch (RuntimeException notRunning) {
      return false;
    }
  }
}
