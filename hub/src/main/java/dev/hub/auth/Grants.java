package dev.hub.auth;

import java.util.List;

/**
 * What one connection may do, read from its token's claims (docs/protocol.md section 1): channel
 * patterns it may subscribe and publish to, whether it may broadcast, event-bus address patterns
 * it may call with {@code rpc}, and whether it may use the HTTP API.
 */
public record Grants(
    List<ChannelPattern> channels,
    List<ChannelPattern> publish,
    boolean broadcast,
    List<ChannelPattern> rpc,
    boolean admin) {

  /** Prefix of the hub's own event-bus addresses (routing.Addresses.HUB_PREFIX; auth does not depend on routing). */
  static final String HUB_ADDRESS_PREFIX = "hub.";

  private static final Grants EVERYTHING = new Grants(
      List.of(ChannelPattern.ANY),
      List.of(ChannelPattern.ANY),
      true,
      List.of(ChannelPattern.ANY),
      true);

  /** Every permission: open (development) mode. */
  public static Grants everything() {
    return EVERYTHING;
  }

  public boolean maySubscribe(String channel) {
    return ChannelPattern.anyMatches(channels, channel);
  }

  public boolean mayPublish(String channel) {
    return ChannelPattern.anyMatches(publish, channel);
  }

  /**
   * Whether {@code rpc} may call this event-bus address: the {@code rpc} claim must match it, and
   * it must not be one of the hub's own ({@code hub.*}) addresses, whatever the claim says, so no
   * token (not even open mode's, or one with {@code "rpc": ["*"]}) can publish as a trusted server
   * through {@code hub.publish} or inject events into {@code hub.fanout}.
   */
  public boolean mayCall(String address) {
    return !address.startsWith(HUB_ADDRESS_PREFIX) && ChannelPattern.anyMatches(rpc, address);
  }

  /**
   * A direct event reaches only one user's connections, so it needs less than a broadcast: the
   * {@code publish} claim must allow the audience name {@code user:<id>}, or the token may
   * broadcast.
   */
  public boolean mayDirect(String user) {
    return broadcast || ChannelPattern.anyMatches(publish, "user:" + user);
  }
}
