package dev.hub.auth;

import java.util.List;

/**
 * What one connection may do, read from its token's claims (PROTOCOL.md section 1): channel
 * patterns it may subscribe and publish to, whether it may broadcast, event-bus address patterns
 * it may call with {@code rpc}, and whether it may use the HTTP API.
 */
public record Grants(List<ChannelPattern> channels, List<ChannelPattern> publish, boolean broadcast,
                     List<ChannelPattern> rpc, boolean admin) {

  private static final Grants EVERYTHING = new Grants(List.of(ChannelPattern.ANY), List.of(ChannelPattern.ANY),
      true, List.of(ChannelPattern.ANY), true);

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

  public boolean mayCall(String address) {
    return ChannelPattern.anyMatches(rpc, address);
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
