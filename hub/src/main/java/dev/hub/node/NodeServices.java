package dev.hub.node;

import dev.hub.api.ClusterStats;
import dev.hub.api.Readiness;
import dev.hub.auth.Authenticator;
import dev.hub.config.HubConfig;
import dev.hub.history.HistoryQuorum;
import dev.hub.history.HistoryStore;
import dev.hub.history.SharedHistoryReads;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.PresenceStore;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.FanoutProbe;
import dev.hub.routing.Publisher;
import dev.hub.routing.SubscriberCensus;
import dev.hub.transport.ConnectionGate;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * What every verticle of one node shares.
 *
 * @param metrics the node's own meters; {@code meters} is the registry {@code /metrics} shows
 * @param readiness what {@code /ready} answers
 * @param stats the node's side of {@code /api/stats}
 * @param reads history reads shared by the node's event loops (gap fills)
 * @param census which channels have subscribers on this node, and in the cluster
 * @param quorum whether this node may serve history now (sees a majority of the cluster)
 * @param probe proves, before the node says ready, that the other nodes' events reach it
 */
record NodeServices(HubConfig config, ClusterBus clusterBus, Publisher publisher,
                    HistoryStore history, PresenceStore presence, Authenticator authenticator,
                    ConnectionGate gate, Clock clock, HubMetrics metrics, PrometheusMeterRegistry meters,
                    Readiness readiness, ClusterStats stats, SharedHistoryReads reads, SubscriberCensus census,
                    HistoryQuorum quorum, FanoutProbe probe) {
}
