package dev.hub.routing;

/** Every event-bus address the hub uses. Clients can never call these with {@code rpc}. */
public final class Addresses {
  /** Prefix of the hub's own addresses. */
  public static final String HUB_PREFIX = "hub.";
  /**
   * Where every node listens for events to deliver to its local connections; each event is
   * published here once and reaches each node once.
   */
  public static final String FANOUT = "hub.fanout";
  /** Where JVM services send {@code {"channel"|"user", "event"}} to publish (docs/protocol.md section 8). */
  public static final String PUBLISH = "hub.publish";
  /** Header of a fan-out message naming its {@link Audience}. */
  public static final String AUDIENCE_HEADER = "hub-audience";
  /** Header of a fan-out message: wall-clock milliseconds of the publish, for the fan-out latency. */
  public static final String PUBLISHED_AT_HEADER = "hub-published-at";
  /**
   * Prefix of the address on which each node answers {@code /api/stats} requests with its own
   * figures; the rest is the node's bus member id ({@code NodeIdentity.busMemberId}), the id the
   * cluster manager lists members by, so an asker can reach every member.
   */
  public static final String STATS_PREFIX = "hub.stats.";
  /** Header of a fan-out message carrying its offset in a history channel. */
  public static final String OFFSET_HEADER = "hub-offset";
  /** Header of a fan-out message carrying the epoch of its offset in a history channel. */
  public static final String EPOCH_HEADER = "hub-epoch";
  /**
   * Prefix of the address on which each node says which of a list of channels have a subscriber
   * on it (so idle history is freed only when nobody listens); the rest is its bus member id.
   */
  public static final String CHANNELS_PREFIX = "hub.channels.";
  /** Header of a fan-out message whose bytes are a binary frame. */
  public static final String BINARY_HEADER = "hub-binary";
  /**
   * Prefix of the address on which each node relays a probe through {@link #FANOUT} for a node that
   * is starting (see {@link FanoutProbe}); the rest is its bus member id.
   */
  public static final String PROBE_PREFIX = "hub.probe.";
  /**
   * Header of a fan-out message that is a probe, not an event: its token. Nodes never deliver such
   * a message to clients nor count it.
   */
  public static final String PROBE_HEADER = "hub-probe";
  /** Header of an {@code rpc} request: the caller's user. */
  public static final String RPC_USER_HEADER = "hub-user";
  /** Header of an {@code rpc} request: the caller's connection id. */
  public static final String RPC_CONNECTION_HEADER = "hub-connection";

  private Addresses() {}

  public static boolean isHubAddress(String address) {
    return address.startsWith(HUB_PREFIX);
  }
}
