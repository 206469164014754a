package dev.hub.cluster;

import dev.hub.config.ClusterConfig;
import dev.hub.config.LoopbackHost;
import dev.hub.internals.VertxInternals;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.UnknownHostException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a node's cluster ports let others do, said once at start, so that the operator of a node
 * other machines can reach learns it from the log rather than from an incident. Hazelcast open
 * source authenticates no member: whoever reaches its port joins the cluster with full rights.
 */
final class ClusterExposure {
  private static final Logger log = LoggerFactory.getLogger(ClusterExposure.class);

  /** A line for the log, and how loud. */
  record Notice(Level level, String text) {}

  private ClusterExposure() {}

  /** Logs the notice for a clustered Vert.x that has just started, with the ports it really took. */
  static void report(ClusterConfig cluster, Vertx vertx) {
    if (!(VertxInternals.clusterManager(vertx) instanceof HazelcastClusterManager manager)) {
      return;
    }
    int hazelcastPort = manager
        .getHazelcastInstance()
        .getCluster()
        .getLocalMember()
        .getAddress()
        .getPort();
    notice(cluster, hazelcastPort, manager.getNodeInfo().port())
        .ifPresent(notice -> log.atLevel(notice.level()).log(notice.text()));
  }

  /** Nothing on a loopback cluster host; a warning when other machines reach it without cluster TLS. */
  static Optional<Notice> notice(ClusterConfig cluster, int hazelcastPort, int busPort) {
    if (isLoopback(cluster.host())) {
      return Optional.empty();
    }
    String hazelcast =
        "the Hazelcast member (port " + hazelcastPort + ") holds history, presence and event-bus "
            + "routing, and any process that reaches it joins the cluster with full rights (open-source Hazelcast "
            + "authenticates no member)";
    if (cluster.tls().enabled()) {
      return Optional.of(new Notice(
          Level.INFO,
          "cluster host " + cluster.host() + ": the event bus (port " + busPort
              + ") uses mutual TLS and talks only to holders of a certificate of the cluster CA; "
              + hazelcast
              + ": keep that port on a private network (NetworkPolicy or firewall)"));
    }
    return Optional.of(
        new Notice(
            Level.WARN,
            "cluster host " + cluster.host() + " is reachable from other machines "
                + "and cluster TLS is off: the event bus (port " + busPort
                + ") carries every event in plain text and "
                + "takes messages from anyone who connects, and " + hazelcast
                + ". Keep both ports on a private network "
                + "(NetworkPolicy or firewall) and set --cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca"));
  }

  /** A host that cannot be resolved is taken as exposed: the warning is the safe side. */
  private static boolean isLoopback(String host) {
    try {
      return LoopbackHost.isLoopback(host);
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
