package dev.hub;

import dev.hub.auth.Authenticator;
import dev.hub.config.HubConfig;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.Publisher;
import dev.hub.transport.ConnectionGate;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/** What every verticle of one node shares. */
record NodeServices(HubConfig config, ClusterBus clusterBus, Publisher publisher, Authenticator authenticator,
                    ConnectionGate gate, BooleanSupplier clusterJoined, Clock clock) {
}
