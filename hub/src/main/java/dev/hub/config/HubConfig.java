package dev.hub.config;

import java.util.List;

/** Everything a node runs with, loaded and validated once at start. */
public record HubConfig(NodeConfig node, ClusterConfig cluster, LimitsConfig limits,
                        List<ChannelOptions> channels) {

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
