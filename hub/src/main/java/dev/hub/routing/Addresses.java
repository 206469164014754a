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
  /** Where JVM services send {@code {"channel"|"user", "event"}} to publish (PROTOCOL.md section 8). */
  public static final String PUBLISH = "hub.publish";
  /** Header of a fan-out message naming its {@link Audience}. */
  public static final String AUDIENCE_HEADER = "hub-audience";

  private Addresses() {
  }

  public static boolean isHubAddress(String address) {
    return address.startsWith(HUB_PREFIX);
  }
}
