package dev.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The hub's own meters, one set per node, in the registry {@code /metrics} scrapes. Names follow
 * Prometheus conventions once exported ({@code hub.events.delivered} becomes
 * {@code hub_events_delivered_total}); every label has a small, fixed set of values (never a
 * channel, a user or a connection), so a client cannot grow the registry.
 *
 * <p>Thread-safe: event loops record into it concurrently. The per-event calls
 * ({@link #eventPublished}, {@link #eventDelivered}) touch pre-built meters only, once per event
 * per event loop, not once per recipient.
 */
public final class HubMetrics {
  /** Close codes with their own label value; any other code a client sends is counted as "other". */
  private static final int[] KNOWN_CLOSE_CODES = {
    1000, 1001, 1006, 1008, 1009, 1011, 1012, 4009, 4401, 4403, 4429
  };
  /** Buckets of the fan-out latency histogram: from a same-node write to a congested cluster. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;
  private final Counter opened;
  private final Map<String, Counter> closedByCode = new ConcurrentHashMap<>();
  private final Counter[] published = new Counter[AudienceKind.values().length];
  private final Counter[] delivered = new Counter[AudienceKind.values().length];
  private final Counter outboundBytes;
  private final Counter rateLimited;
  private final Counter gapReads;
  private final Counter fanoutReannounced;
  private final Timer fanoutLatency;
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong channels = new AtomicLong();

  public HubMetrics(MeterRegistry registry) {
    this.registry = registry;
    opened = Counter.builder("hub.connections.opened")
        .description("WebSocket connections upgraded, refused ones (4429) included")
        .register(registry);
    for (AudienceKind kind : AudienceKind.values()) {
      published[kind.ordinal()] = Counter.builder("hub.events.published")
          .tag("audience", kind.label)
          .description("Events published through this node")
          .register(registry);
      delivered[kind.ordinal()] = Counter.builder("hub.events.delivered")
          .tag("audience", kind.label)
          .description("Event writes to this node's connections (one per recipient)")
          .register(registry);
    }
    outboundBytes = Counter.builder("hub.outbound")
        .baseUnit("bytes")
        .description("Bytes of events and server frames written to this node's connections")
        .register(registry);
    rateLimited = Counter.builder("hub.frames.rate.limited")
        .description("Client frames refused for going over the message rate")
        .register(registry);
    gapReads = Counter.builder("hub.history.gap.reads")
        .description(
            "History reads made to fill a gap in a channel's live stream: one per node and gap, "
                + "however many subscribers saw it")
        .register(registry);
    fanoutReannounced = Counter.builder("hub.fanout.reannounced")
        .description(
            "Times this node re-announced its fan-out registration because another node's probe "
                + "did not arrive: events between them were being lost")
        .register(registry);
    fanoutLatency = Timer.builder("hub.fanout.latency")
        .description(
            "From publish (on any node) to the write to this node's sockets, per event and event loop")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    Gauge.builder("hub.subscriptions", subscriptions, AtomicLong::get)
        .description("Channel subscriptions of this node's connections")
        .register(registry);
    Gauge.builder("hub.channels", channels, AtomicLong::get)
        .description(
            "Channels with a subscriber on this node (counted once per event loop that has one)")
        .register(registry);
    for (int code : KNOWN_CLOSE_CODES) {
      closedCounter(Integer.toString(code));
    }
    closedCounter("other");
  }

  /** Meters that go nowhere, for registries and endpoints built without a node (unit tests). */
  public static HubMetrics detached() {
    return new HubMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Adds a gauge read when scraped, such as the node's connection count. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  public void connectionOpened() {
    opened.increment();
  }

  /**
   * @param code the close code the server sent, or else the one the client sent; null when the
   *     socket ended without a close frame (counted as 1006, as RFC 6455 reports it)
   */
  public void connectionClosed(Integer code) {
    closedCounter(closeLabel(code)).increment();
  }

  public void eventPublished(AudienceKind kind) {
    published[kind.ordinal()].increment();
  }

  /**
   * One event written by one event loop to its local recipients.
   *
   * @param publishedAtMillis wall-clock time of the publish, on whichever node it happened; 0 if unknown
   */
  public void eventDelivered(AudienceKind kind, int recipients, int bytes, long publishedAtMillis) {
    if (recipients == 0) {
      return;
    }
    delivered[kind.ordinal()].increment(recipients);
    outboundBytes.increment((double) recipients * bytes);
    if (publishedAtMillis > 0) {
      // Clocks of two nodes can disagree by a little: a negative figure is recorded as 0.
      fanoutLatency.record(
          Math.max(0, System.currentTimeMillis() - publishedAtMillis), TimeUnit.MILLISECONDS);
    }
  }

  /** A server frame (reply, error, connected) written to one connection. */
  public void frameSent(int bytes) {
    outboundBytes.increment(bytes);
  }

  public void frameRateLimited() {
    rateLimited.increment();
  }

  /** A read of the history to fill a gap in a live stream, shared by every subscriber of the node. */
  public void fanoutReannounced() {
    fanoutReannounced.increment();
  }

  public void gapRead() {
    gapReads.increment();
  }

  /**
   * A token or credential refused.
   *
   * @param where {@code upgrade} (before the WebSocket upgrade), {@code connection} (an auth frame or expiry on a live connection) or {@code api}
   * @param reason the error code sent back ({@code unauthorized}, {@code token_expired}, {@code forbidden})
   */
  public void authFailure(String where, String reason) {
    Counter.builder("hub.auth.failures")
        .tag("where", where)
        .tag("reason", reason)
        .description("Tokens refused, by where they were presented and the error code sent back")
        .register(registry)
        .increment();
  }

  public void subscriptionAdded(boolean newChannel) {
    subscriptions.incrementAndGet();
    if (newChannel) {
      channels.incrementAndGet();
    }
  }

  public void subscriptionRemoved(boolean channelGone) {
    subscriptions.decrementAndGet();
    if (channelGone) {
      channels.decrementAndGet();
    }
  }

  public long subscriptions() {
    return subscriptions.get();
  }

  public long channels() {
    return channels.get();
  }

  /** Connections closed with this code so far (the close the hub sent, else the client's). */
  public long closes(int code) {
    return (long) closedCounter(closeLabel(code)).count();
  }

  private Counter closedCounter(String label) {
    return closedByCode.computeIfAbsent(
        label,
        code -> Counter.builder("hub.connections.closed")
            .tag("code", code)
            .description("WebSocket connections closed, by close code")
            .register(registry));
  }

  static String closeLabel(Integer code) {
    int value = code == null ? 1006 : code;
    for (int known : KNOWN_CLOSE_CODES) {
      if (known == value) {
        return Integer.toString(value);
      }
    }
    return "other";
  }
}
