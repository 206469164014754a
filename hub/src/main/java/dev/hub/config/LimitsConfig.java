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
 * @param requestTimeoutMs how long a client has to send a whole HTTP request (a WebSocket upgrade
 *     included), from connecting or from the end of its previous response; then the TCP
 *     connection is closed. Upgraded WebSockets are not HTTP connections any more and are kept
 * @param unauthenticatedPerIp connections without a token, still waiting for their {@code auth}
 *     frame, that one client address (the TCP peer) may hold on this node at once
 * @param unauthenticatedPerNode connections without a token, still waiting for their
 *     {@code auth} frame, that this node holds at once
 * @param historyChannels channels with stored history the cluster may hold, as this node sees it;
 *     a publish that would start one more is refused with {@code too_many_channels}. Each costs its
 *     ring's whole capacity on two members, so a wildcard pattern must not let clients make them
 *     without end
 * @param newChannelsPerSecond history channels one connection may start per second (a burst of
 *     twice as many)
 * @param historyTimeoutMs how long one call to the cluster's history may take before it is refused
 *     with {@code unavailable}; longer than a member's heartbeat timeout, so that a publish waiting
 *     for a dead member's partition to move completes instead
 */
public record LimitsConfig(
    int frameBytes,
    int ratePerSecond,
    int burst,
    int subscriptions,
    int outboundBytes,
    int connectionsPerNode,
    int connectionsPerUser,
    long authTimeoutMs,
    long requestTimeoutMs,
    int unauthenticatedPerIp,
    int unauthenticatedPerNode,
    int historyChannels,
    int newChannelsPerSecond,
    long historyTimeoutMs) {
  public static final int DEFAULT_CONNECTIONS_PER_USER = 100;
  public static final long DEFAULT_AUTH_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_UNAUTHENTICATED_PER_IP = 16;
  public static final int DEFAULT_UNAUTHENTICATED_PER_NODE = 1_000;
  public static final int DEFAULT_HISTORY_CHANNELS = 10_000;
  public static final int DEFAULT_NEW_CHANNELS_PER_SECOND = 10;
  public static final long DEFAULT_HISTORY_TIMEOUT_MS = 20_000;

  /** The limits above with the defaults of the rest. */
  public LimitsConfig(
      int frameBytes,
      int ratePerSecond,
      int burst,
      int subscriptions,
      int outboundBytes,
      int connectionsPerNode) {
    this(
        frameBytes,
        ratePerSecond,
        burst,
        subscriptions,
        outboundBytes,
        connectionsPerNode,
        DEFAULT_CONNECTIONS_PER_USER,
        DEFAULT_AUTH_TIMEOUT_MS,
        DEFAULT_REQUEST_TIMEOUT_MS,
        DEFAULT_UNAUTHENTICATED_PER_IP,
        DEFAULT_UNAUTHENTICATED_PER_NODE,
        DEFAULT_HISTORY_CHANNELS,
        DEFAULT_NEW_CHANNELS_PER_SECOND,
        DEFAULT_HISTORY_TIMEOUT_MS);
  }
}
