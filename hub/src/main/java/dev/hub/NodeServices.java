package dev.hub;

import dev.hub.api.ClusterStats;
import dev.hub.api.Readiness;
import dev.hub.auth.Authenticator;
import dev.hub.config.HubConfig;
import dev.hub.metrics.HubMetrics;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.Publisher;
import dev.hub.transport.ConnectionGate;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/** What every verticle of one node shares. */
record NodeServices(HubConfig config, ClusterBus clusterBus, Publisher publisher, Authenticator authenticator,
                    ConnectionGate gate, Clock clock, HubMetrics metrics, PrometheusMeterRegistry meters,
                    Readiness readiness, ClusterStats stats) {
}
