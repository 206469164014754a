package dev.hub.config;

import java.time.Duration;

/**
 * Options for the channels a pattern matches ({@code "room:*"} matches {@code room:} and anything
 * after it). The first matching pattern wins.
 *
 * @param pattern exact name, or a prefix ending in {@code *}
 * @param historySize events kept per channel; 0: no history
 * @param historyTtl how long events are kept
 * @param presence whether the channel tracks who is subscribed
 * @param joinLeave whether subscribers receive join and leave events
 * @param clientPublish whether clients may publish (with the {@code publish} grant); false keeps
 *     the channel for servers (HTTP API and event bus) alone
 */
public record ChannelOptions(
    String pattern,
    int historySize,
    Duration historyTtl,
    boolean presence,
    boolean joinLeave,
    boolean clientPublish) {

  public boolean hasHistory() {
    return historySize > 0;
  }

  public boolean matches(String channel) {
    return pattern.endsWith("*")
        ? channel.startsWith(pattern.substring(0, pattern.length() - 1))
        : channel.equals(pattern);
  }
}
