package dev.hub.config;

/**
 * Per-connection and per-node limits (PROTOCOL.md section 5). Each one keeps a single client
 * from costing the node more than its share.
 *
 * @param frameBytes largest frame accepted; bigger ones get {@code too_large} and close 1009
 * @param ratePerSecond sustained frames per second per connection (token bucket refill)
 * @param burst token bucket size: frames a connection may send at once
 * @param subscriptions channels one connection may be subscribed to
 * @param outboundBytes bytes queued for one connection before it is closed as a slow consumer
 * @param connectionsPerNode connections this node accepts at once
 */
public record LimitsConfig(int frameBytes, int ratePerSecond, int burst, int subscriptions,
                           int outboundBytes, int connectionsPerNode) {
}
