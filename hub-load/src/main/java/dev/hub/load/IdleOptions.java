package dev.hub.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A connection-capacity run: open many idle connections, hold them, measure what they cost.
 *
 * @param urls where to connect, round-robin
 * @param connections how many to open
 * @param target HUB connections are {@code ?user=idle-<i>} and ready at {@code connected}; BASELINE
 *     ones at the upgrade
 * @param channel HUB: a channel each subscribes to (ready at {@code subscribed}), or null for none
 * @param connectsPerSecond opens started per second; 0 for no pacing
 * @param sourceAddresses local addresses bound round-robin; empty for the system's choice
 * @param hold how long to keep them open once all are
 * @param serverPids servers to measure (RSS, heap after a full GC) before and after
 */
public record IdleOptions(
    List<URI> urls,
    int connections,
    Target target,
    String channel,
    int connectsPerSecond,
    List<String> sourceAddresses,
    Duration hold,
    List<Long> serverPids) {
  public IdleOptions {
    urls = List.copyOf(urls);
    sourceAddresses = List.copyOf(sourceAddresses);
    serverPids = List.copyOf(serverPids);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one url is needed");
    }
    urls.forEach(LoadOptions::requireWebSocketUrl);
    if (connections < 0) {
      throw new IllegalArgumentException("connections must be 0 or more, not " + connections);
    }
    if (target == null) {
      throw new IllegalArgumentException("a target is needed");
    }
    if (connectsPerSecond < 0) {
      throw new IllegalArgumentException("connectsPerSecond must be 0 (unpaced) or more");
    }
    if (hold.isNegative()) {
      throw new IllegalArgumentException("hold must not be negative");
    }
  }

  /** 1000 hub connections, 500 opened a second, held 10 s. */
  public static IdleOptions defaults(List<URI> urls) {
    return new IdleOptions(
        urls, 1000, Target.HUB, null, 500, List.of(), Duration.ofSeconds(10), List.of());
  }
}
