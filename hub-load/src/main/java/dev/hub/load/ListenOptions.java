package dev.hub.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One listener process of a capacity run: subscribers that wait for a known number of broadcasts
 * published by another process.
 *
 * @param urls node URLs, connections round-robin
 * @param connections subscriber connections to open
 * @param channel the channel each subscribes to
 * @param connectsPerSecond opens started per second; 0 for no pacing
 * @param sourceAddresses local addresses bound in turn; empty for the system's choice
 * @param events the broadcasts every subscriber is to receive
 * @param timeout how long, once every connection is open, to wait for them all
 */
public record ListenOptions(
    List<URI> urls,
    int connections,
    String channel,
    int connectsPerSecond,
    List<String> sourceAddresses,
    int events,
    Duration timeout) {
  public ListenOptions {
    urls = List.copyOf(urls);
    sourceAddresses = List.copyOf(sourceAddresses);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one url is needed");
    }
    urls.forEach(LoadOptions::requireWebSocketUrl);
    if (channel == null || channel.isBlank()) {
      throw new IllegalArgumentException("a channel is needed");
    }
    if (connections < 0 || connectsPerSecond < 0) {
      throw new IllegalArgumentException("connections and connects per second must be 0 or more");
    }
    if (events < 1 || events > LoopStats.TRACKED_EVENTS) {
      throw new IllegalArgumentException(
          "events must be 1 to " + LoopStats.TRACKED_EVENTS + ", not " + events);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be more than 0");
    }
  }

  /** 1,000 connections on channel {@code capacity}, 500 opens a second, 10 events, 5 minutes. */
  public static ListenOptions defaults(List<URI> urls) {
    return new ListenOptions(urls, 1000, "capacity", 500, List.of(), 10, Duration.ofMinutes(5));
  }
}
