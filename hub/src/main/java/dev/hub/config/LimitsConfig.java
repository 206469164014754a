package dev.hub.config;

/**
 * Per-connection and per-node limits (docs/protocol.md section 5). Each one keeps a single client
 * from costing the node more than its share.
 *
 * @param frameBytes largest frame accepted; bigger ones get {@code too_large} and close 1009
 * @param ratePerSecond sustained frames per second per connection (token bucket refill)
 * @param burst token bucket size: frames a connection may send at once
 * @param subscriptions channels one connection may be subscribed to
 * @param outboundBytes bytes queued for one connection before it is closed as a slow consumer
 * @param connectionsPerNode connections this node accepts at once
 * @param connectionsPerUser connections one user ({@code sub}) may hold on this node at once;
 *     counted per node, so a user may hold this many on each node
 * @param authTimeoutMs how long a connection without a token has to send its {@code auth} frame
 */
public record LimitsConfig(int frameBytes, int ratePerSecond, int burst, int subscriptions,
                           int outboundBytes, int connectionsPerNode, int connectionsPerUser, long authTimeoutMs) {
  public static final int DEFAULT_CONNECTIONS_PER_USER = 100;
  public static final long DEFAULT_AUTH_TIMEOUT_MS = 5_000;

  /** The limits above with the default per-user limit and auth timeout. */
  public LimitsConfig(int frameBytes, int ratePerSecond, int burst, int subscriptions, int outboundBytes,
                      int connectionsPerNode) {
    this(frameBytes, ratePerSecond, burst, subscriptions, outboundBytes, connectionsPerNode,
        DEFAULT_CONNECTIONS_PER_USER, DEFAULT_AUTH_TIMEOUT_MS);
  }
}
