package dev.hub.session;

import dev.hub.auth.Authenticator;
import dev.hub.config.LimitsConfig;
import dev.hub.routing.LocalRegistry;
import dev.hub.routing.Publisher;
import java.time.Clock;

/**
 * What the sessions of one event loop share.
 *
 * @param nodeId this node's id, sent in {@code connected}
 * @param heartbeatMs the ping interval, sent in {@code connected}
 */
public record SessionServices(String nodeId, long heartbeatMs, LimitsConfig limits, Authenticator authenticator,
                              LocalRegistry registry, Publisher publisher, Clock clock) {
}
