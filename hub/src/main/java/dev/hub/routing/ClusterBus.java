package dev.hub.routing;

import dev.hub.metrics.AudienceKind;
import dev.hub.metrics.HubMetrics;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides how events cross nodes.
 *
 * <p>Every gateway registers one consumer on {@link Addresses#FANOUT} when it starts, and each
 * event is published there once: the clustered event bus sends it to each node once, and each
 * node filters it against its own {@link LocalRegistry}. Subscribing and unsubscribing therefore
 * never touch the cluster: no write to Hazelcast's subscription map per channel or per
 * connection, and no window in which a publisher elsewhere has not yet seen a new subscriber's
 * registration (the event bus learns of registrations asynchronously). The price is that an event
 * reaches nodes with no subscriber for it, where it is dropped after one map lookup.
 * docs/routing.md has the measurements behind this choice.
 *
 * <p>The event travels already encoded as the text frame clients receive, so no node parses or
 * encodes it again.
 */
public final class ClusterBus {
  private static final Logger log = LoggerFactory.getLogger(ClusterBus.class);

  private final EventBus eventBus;
  private final HubMetrics metrics;
  private final FanoutProbe probe;

  public ClusterBus(EventBus eventBus) {
    this(eventBus, HubMetrics.detached());
  }

  /** @param metrics counts events in and out of this node, and the fan-out latency */
  public ClusterBus(EventBus eventBus, HubMetrics metrics) {
    this(eventBus, metrics, null);
  }

  /**
   * @param probe told of the probes that reach this node (another node's are dropped as well);
   *     null when this node sends none
   */
  public ClusterBus(EventBus eventBus, HubMetrics metrics, FanoutProbe probe) {
    this.eventBus = eventBus;
    this.metrics = metrics;
    this.probe = probe;
  }

  /** Sends an event to every node, where each delivers it to the audience's local connections. */
  public void publish(FanoutEvent event) {
    metrics.eventPublished(kindOf(event.audience()));
    // Wall-clock, not nanoTime: the latency is measured on whichever node receives the event.
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(Addresses.AUDIENCE_HEADER, event.audience().key())
        .addHeader(Addresses.PUBLISHED_AT_HEADER, Long.toString(System.currentTimeMillis()));
    if (event.hasOffset()) {
      options
          .addHeader(Addresses.OFFSET_HEADER, Long.toString(event.offset()))
          .addHeader(Addresses.EPOCH_HEADER, event.epoch());
    }
    if (event.binary()) {
      options.addHeader(Addresses.BINARY_HEADER, "1");
    }
    eventBus.publish(Addresses.FANOUT, event.bytes(), options);
  }

  /**
   * Delivers fan-out events to the registry's connections from now on. Call it on the registry's
   * event loop; the handler runs there too.
   *
   * @return completes once the registration is known cluster-wide
   */
  public Future<MessageConsumer<Object>> attach(LocalRegistry registry) {
    MessageConsumer<Object> consumer = eventBus.consumer(Addresses.FANOUT, message -> {
      String probeToken = message.headers().get(Addresses.PROBE_HEADER);
      if (probeToken != null) {
        // Before anything is counted: a probe is no event.
        if (probe != null) {
          probe.arrived(probeToken);
        }
        return;
      }
      Audience audience = Audience.parse(message.headers().get(Addresses.AUDIENCE_HEADER));
      if (audience == null) {
        log.warn("dropping a fan-out message without a valid audience header");
        return;
      }
      long offset = offsetOf(message.headers().get(Addresses.OFFSET_HEADER));
      // Any member of the cluster can publish here: what does not look like a hub node's message is
      // dropped rather than thrown on the event loop or delivered half understood.
      if (offset < 0 || !(message.body() instanceof Buffer bytes)) {
        log.warn("dropping a fan-out message with a bad offset header or a body that is not bytes");
        return;
      }
      int recipients = registry.deliver(new FanoutEvent(
          audience,
          bytes,
          offset,
          message.headers().get(Addresses.EPOCH_HEADER),
          message.headers().contains(Addresses.BINARY_HEADER)));
      metrics.eventDelivered(
          kindOf(audience),
          recipients,
          bytes.length(),
          publishedAt(message.headers().get(Addresses.PUBLISHED_AT_HEADER)));
    });
    return consumer.completion().map(consumer);
  }

  private static AudienceKind kindOf(Audience audience) {
    if (audience instanceof Audience.Channel) {
      return AudienceKind.CHANNEL;
    }
    return audience instanceof Audience.User ? AudienceKind.USER : AudienceKind.ALL;
  }

  /** The offset a header names: 0 when there is none (no history), -1 when it is no positive number. */
  private static long offsetOf(String header) {
    if (header == null) {
      return 0;
    }
    try {
      long offset = Long.parseLong(header);
      return offset > 0 ? offset : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long publishedAt(String header) {
    try {
      return header == null ? 0 : Long.parseLong(header);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
