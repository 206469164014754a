package dev.hub.config;

import java.util.List;

/** Everything a node runs with, loaded and validated once at start. */
public record HubConfig(
    NodeConfig node,
    ClusterConfig cluster,
    LimitsConfig limits,
    List<ChannelOptions> channels,
    SecurityConfig security) {

  /** A configuration without keys, origins or TLS: what open mode runs with. */
  public HubConfig(
      NodeConfig node, ClusterConfig cluster, LimitsConfig limits, List<ChannelOptions> channels) {
    this(
        node,
        cluster,
        limits,
        channels,
        new SecurityConfig(AuthConfig.none(), List.of(), new TlsConfig(null, null)));
  }

  /** The options of the first pattern that matches the channel, or null: no history, no presence. */
  public ChannelOptions channelOptions(String channel) {
    for (ChannelOptions options : channels) {
      if (options.matches(channel)) {
        return options;
      }
    }
    return null;
  }
}
