package dev.hub.load;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One load run: who to connect, how many, and how to publish. Validated on construction, so a run
 * never starts half-configured.
 *
 * @param urls node URLs ({@code ws://host:port/ws}); subscribers are spread over them round-robin and
 *     the publisher connects to the first, so subscribers of the first node are "local"
 * @param subscribers WebSocket subscribers to open
 * @param channel the channel subscribed to and published on (HUB only)
 * @param target a hub, or the {@link BaselineServer}
 * @param mode a fixed rate, or as fast as deliveries allow
 * @param eventsPerSecond the publisher's rate in {@link Mode#RATE}
 * @param maxInFlight events published and not yet delivered to every subscriber, at most, in
 *     {@link Mode#MAX}
 * @param warmup publishing before measuring starts (latencies and rates are not recorded)
 * @param duration the measured window, after the warmup
 * @param payloadBytes the size of each event's JSON as published (at least its fixed fields)
 * @param connectsPerSecond connection opens started per second; 0 for no pacing (the number of
 *     opens in flight is bounded either way)
 * @param sourceAddresses local addresses bound round-robin (127.0.0.2, ...), one client per address,
 *     to get past one address's ephemeral ports; empty for the system's choice
 * @param lossTimeout how long an event may take to reach everyone before it counts as lost, and how
 *     long the end of a run waits for stragglers
 * @param serverPids process ids of the servers, for their CPU time (Linux {@code /proc}); may be empty
 */
public record LoadOptions(
    List<URI> urls,
    int subscribers,
    String channel,
    Target target,
    Mode mode,
    double eventsPerSecond,
    int maxInFlight,
    Duration warmup,
    Duration duration,
    int payloadBytes,
    int connectsPerSecond,
    List<String> sourceAddresses,
    Duration lossTimeout,
    List<Long> serverPids) {

  public LoadOptions {
    urls = List.copyOf(urls);
    sourceAddresses = List.copyOf(sourceAddresses);
    serverPids = List.copyOf(serverPids);
    require(!urls.isEmpty(), "at least one url is needed");
    urls.forEach(LoadOptions::requireWebSocketUrl);
    require(subscribers >= 0, "subscribers must be 0 or more, not " + subscribers);
    require(target != null && mode != null, "target and mode are needed");
    require(
        target == Target.BASELINE || (channel != null && !channel.isBlank()),
        "a channel is needed");
    require(
        mode != Mode.RATE || eventsPerSecond > 0,
        "eventsPerSecond must be more than 0, not " + eventsPerSecond);
    require(
        mode != Mode.MAX || maxInFlight > 0, "maxInFlight must be more than 0, not " + maxInFlight);
    require(!warmup.isNegative(), "warmup must not be negative");
    require(!duration.isNegative() && !duration.isZero(), "duration must be more than 0");
    require(
        payloadBytes >= 0 && payloadBytes <= 16 * 1024 * 1024, "payloadBytes must be 0 to 16 MiB");
    require(connectsPerSecond >= 0, "connectsPerSecond must be 0 (unpaced) or more");
    require(!lossTimeout.isNegative() && !lossTimeout.isZero(), "lossTimeout must be more than 0");
  }

  /** 100 subscribers on channel {@code load} of a hub, 50 events/s, 2 s warmup, 10 s measured. */
  public static LoadOptions defaults(List<URI> urls) {
    return new LoadOptions(
        urls,
        100,
        "load",
        Target.HUB,
        Mode.RATE,
        50,
        100,
        Duration.ofSeconds(2),
        Duration.ofSeconds(10),
        128,
        500,
        List.of(),
        Duration.ofSeconds(5),
        List.of());
  }

  static void requireWebSocketUrl(URI url) {
    require(
        url != null
            && ("ws".equals(url.getScheme()) || "wss".equals(url.getScheme()))
            && url.getHost() != null,
        "not a ws:// or wss:// url with a host: " + url);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  public LoadOptions withUrls(List<URI> value) {
    return edit(copy -> copy.urls = value);
  }

  public LoadOptions withSubscribers(int value) {
    return edit(copy -> copy.subscribers = value);
  }

  public LoadOptions withChannel(String value) {
    return edit(copy -> copy.channel = value);
  }

  public LoadOptions withTarget(Target value) {
    return edit(copy -> copy.target = value);
  }

  public LoadOptions withMode(Mode value) {
    return edit(copy -> copy.mode = value);
  }

  public LoadOptions withEventsPerSecond(double value) {
    return edit(copy -> copy.eventsPerSecond = value);
  }

  public LoadOptions withMaxInFlight(int value) {
    return edit(copy -> copy.maxInFlight = value);
  }

  public LoadOptions withWarmup(Duration value) {
    return edit(copy -> copy.warmup = value);
  }

  public LoadOptions withDuration(Duration value) {
    return edit(copy -> copy.duration = value);
  }

  public LoadOptions withPayloadBytes(int value) {
    return edit(copy -> copy.payloadBytes = value);
  }

  public LoadOptions withConnectsPerSecond(int value) {
    return edit(copy -> copy.connectsPerSecond = value);
  }

  public LoadOptions withSourceAddresses(List<String> value) {
    return edit(copy -> copy.sourceAddresses = value);
  }

  public LoadOptions withLossTimeout(Duration value) {
    return edit(copy -> copy.lossTimeout = value);
  }

  public LoadOptions withServerPids(List<Long> value) {
    return edit(copy -> copy.serverPids = value);
  }

  /** This record with the fields {@code change} sets on a copy, checked again by the constructor. */
  private LoadOptions edit(Consumer<Fields> change) {
    Fields copy = new Fields(this);
    change.accept(copy);
    return copy.build();
  }

  /** The record's fields, mutable, so that each {@code with...} names only the one it changes. */
  private static final class Fields {
    List<URI> urls;
    int subscribers;
    String channel;
    Target target;
    Mode mode;
    double eventsPerSecond;
    int maxInFlight;
    Duration warmup;
    Duration duration;
    int payloadBytes;
    int connectsPerSecond;
    List<String> sourceAddresses;
    Duration lossTimeout;
    List<Long> serverPids;

    Fields(LoadOptions from) {
      urls = from.urls;
      subscribers = from.subscribers;
      channel = from.channel;
      target = from.target;
      mode = from.mode;
      eventsPerSecond = from.eventsPerSecond;
      maxInFlight = from.maxInFlight;
      warmup = from.warmup;
      duration = from.duration;
      payloadBytes = from.payloadBytes;
      connectsPerSecond = from.connectsPerSecond;
      sourceAddresses = from.sourceAddresses;
      lossTimeout = from.lossTimeout;
      serverPids = from.serverPids;
    }

    LoadOptions build() {
      return new LoadOptions(
          urls,
          subscribers,
          channel,
          target,
          mode,
          eventsPerSecond,
          maxInFlight,
          warmup,
          duration,
          payloadBytes,
          connectsPerSecond,
          sourceAddresses,
          lossTimeout,
          serverPids);
    }
  }
}
