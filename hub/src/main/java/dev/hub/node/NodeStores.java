package dev.hub.node;

import com.hazelcast.core.HazelcastInstance;
import dev.hub.config.HubConfig;
import dev.hub.history.HazelcastHistoryStore;
import dev.hub.history.HistoryQuorum;
import dev.hub.history.HistoryStore;
import dev.hub.history.LocalHistoryStore;
import dev.hub.internals.VertxInternals;
import dev.hub.presence.HazelcastPresenceStore;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.presence.PresenceEvents;
import dev.hub.presence.PresenceRecovery;
import dev.hub.presence.PresenceStore;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Clock;
import java.time.Duration;

/**
 * Where a node keeps history and presence: in its cluster's Hazelcast when it runs on a clustered
 * Vert.x, in its own memory otherwise.
 *
 * @param quorum whether this node may serve history now (it sees a majority of the cluster)
 * @param hazelcast the member under the node's Vert.x, or null when it is not clustered
 */
record NodeStores(
    HistoryStore history,
    PresenceStore presence,
    HistoryQuorum quorum,
    HazelcastInstance hazelcast) {

  static NodeStores of(Vertx vertx, HubConfig config, Clock clock) {
    ClusterManager manager = VertxInternals.clusterManager(vertx);
    int maxChannels = config.limits().historyChannels();
    if (!(manager instanceof HazelcastClusterManager clustered)) {
      return new NodeStores(
          new LocalHistoryStore(clock, maxChannels),
          new LocalPresenceStore(),
          HistoryQuorum.always(),
          null);
    }
    HazelcastInstance hazelcast = clustered.getHazelcastInstance();
    HistoryQuorum quorum = HistoryQuorum.of(hazelcast);
    return new NodeStores(
        new HazelcastHistoryStore(
            vertx,
            hazelcast,
            quorum,
            maxChannels,
            Duration.ofMillis(config.limits().historyTimeoutMs())),
        new HazelcastPresenceStore(vertx, hazelcast),
        quorum,
        hazelcast);
  }

  /**
   * What keeps the cluster's presence true as members come and go (see {@link PresenceRecovery});
   * null for a node that is not clustered, whose presence lives and dies with it.
   */
  PresenceRecovery presenceRecovery(Vertx vertx, String nodeId, PresenceEvents events) {
    return presence instanceof HazelcastPresenceStore store
        ? new PresenceRecovery(vertx, hazelcast, store, nodeId, events)
        : null;
  }
}
