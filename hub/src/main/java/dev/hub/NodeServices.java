package dev.hub;

import dev.hub.auth.Authenticator;
import dev.hub.config.HubConfig;
import dev.hub.history.HistoryStore;
import dev.hub.presence.PresenceStore;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.Publisher;
import dev.hub.transport.ConnectionGate;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * What every verticle of one node shares.
 *
 * @param memberId the node's Hazelcast member uuid (not the Vert.x node id), recorded with presence
 */
record NodeServices(HubConfig config, String memberId, ClusterBus clusterBus, Publisher publisher,
                    HistoryStore history, PresenceStore presence, Authenticator authenticator,
                    ConnectionGate gate, BooleanSupplier clusterJoined, Clock clock) {
}
