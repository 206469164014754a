package dev.hub.session;

import dev.hub.auth.Authenticator;
import dev.hub.config.HubConfig;
import dev.hub.config.LimitsConfig;
import dev.hub.history.HistoryStore;
import dev.hub.presence.PresenceStore;
import dev.hub.routing.LocalRegistry;
import dev.hub.routing.Publisher;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * What the sessions of one event loop share. Made by {@code dev.hub.node.GatewayServices}, for a
 * node's gateways and for tests and benchmarks alike.
 */
public record SessionServices(
    Vertx vertx,
    HubConfig config,
    Authenticator authenticator,
    LocalRegistry registry,
    Publisher publisher,
    HistoryStore history,
    PresenceStore presence,
    Clock clock) {

  public String nodeId() {
    return config.node().nodeId();
  }

  public long heartbeatMs() {
    return config.node().heartbeatMs();
  }

  public LimitsConfig limits() {
    return config.limits();
  }
}
