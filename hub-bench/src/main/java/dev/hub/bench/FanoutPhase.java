package dev.hub.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Phase C, the cost the chosen fan-out design pays: every node has one consumer on one address,
 * node A publishes there as fast as the receivers keep up, and each node does what the hub does
 * for an event none of its connections subscribed to (read the audience header, miss one map
 * lookup). Nodes B and C are the remote nodes the fan-out design sends wasted events to.
 */
final class FanoutPhase {
  static final String ADDRESS = "bench.fanout";
  private static final String AUDIENCE_HEADER = "audience";
  /** Receivers wake the publisher every BATCH events; runs are whole batches so counts stay aligned. */
  static final int BATCH = 1000;
  /** Events the publisher may be ahead of the slowest node: bounds the queues, not the rate. */
  private static final int WINDOW = 5 * BATCH;

  private static final int BODY_BYTES = 200;
  /** Audiences the events are for, none of them subscribed on any node. */
  private static final int AUDIENCES = 1000;

  record Result(
      long events, boolean gaveUp, double eventsPerSecond, double cpuMicrosPerEventPerRemoteNode) {}

  private final Context publisherContext;
  // Filled from the main thread and each node's event loop, read from A's event loop.
  private final List<Receiver> receivers = new CopyOnWriteArrayList<>();
  private final List<MessageConsumer<Buffer>> consumers = new CopyOnWriteArrayList<>();
  private final Buffer body = encodedEvent();
  private final String[] audiences = new String[AUDIENCES];
  // Publisher state, touched only on A's event loop.
  private long sent;
  private long target;
  private Promise<Long> finished;

  private FanoutPhase(Context publisherContext) {
    this.publisherContext = publisherContext;
    Arrays.setAll(audiences, i -> "channel:news-" + i);
  }

  /** Registers the one consumer per node, as every hub node does at start-up. */
  static FanoutPhase attach(BenchCluster cluster) throws Exception {
    FanoutPhase phase = new FanoutPhase(cluster.context(0));
    List<Future<Void>> registered = new ArrayList<>();
    for (int i = 0; i < BenchCluster.SIZE; i++) {
      registered.add(phase.register(cluster.context(i), i));
    }
    Future.all(registered).await(30, TimeUnit.SECONDS);
    return phase;
  }

  private Future<Void> register(Context context, int node) {
    Receiver receiver = new Receiver(localChannels(node), this::wakePublisher);
    receivers.add(receiver);
    Promise<Void> registered = Promise.promise();
    context.runOnContext(v -> {
      MessageConsumer<Buffer> consumer = context.owner().eventBus().consumer(ADDRESS, receiver);
      consumers.add(consumer);
      consumer.completion().onComplete(registered);
    });
    return registered.future();
  }

  /** Publishes {@code events} (rounded up to whole batches) and waits until every node has them all. */
  Result measure(long events, Deadline deadline) throws Exception {
    long batches = (events + BATCH - 1) / BATCH;
    long before = remoteMinimum();
    Promise<Long> run = Promise.promise();
    long cpuStart = Cpu.processNanos();
    long wallStart = System.nanoTime();
    publisherContext.runOnContext(v -> {
      finished = run;
      target = sent + batches * BATCH;
      pump();
    });
    boolean gaveUp = false;
    long wallEnd;
    try {
      wallEnd = run.future().await(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      gaveUp = true;
      wallEnd = System.nanoTime();
      publisherContext.runOnContext(v -> target = sent);
    }
    long cpu = Cpu.processNanos() - cpuStart;
    long delivered = remoteMinimum() - before;
    return new Result(
        delivered,
        gaveUp,
        delivered / ((wallEnd - wallStart) / 1e9),
        delivered == 0 ? Double.NaN : cpu / 1e3 / (delivered * 2.0));
  }

  private void wakePublisher() {
    publisherContext.runOnContext(v -> pump());
  }

  /** Publishes while the slowest node is less than a window behind; on A's event loop. */
  private void pump() {
    long slowest = minimum();
    if (slowest >= target) {
      if (finished != null && finished.tryComplete(System.nanoTime())) {
        finished = null;
      }
      return;
    }
    while (sent < target && sent - slowest < WINDOW) {
      String audience = audiences[(int) (sent % AUDIENCES)];
      // A new DeliveryOptions per event, as ClusterBus.publish makes one.
      publisherContext
          .owner()
          .eventBus()
          .publish(ADDRESS, body, new DeliveryOptions().addHeader(AUDIENCE_HEADER, audience));
      sent++;
    }
  }

  private long minimum() {
    return receivers.stream().mapToLong(Receiver::received).min().orElse(0);
  }

  /** Events both remote nodes (B and C) have had. */
  private long remoteMinimum() {
    return Math.min(receivers.get(1).received(), receivers.get(2).received());
  }

  void close() throws Exception {
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(consumer -> unregistered.add(consumer.unregister()));
    Future.all(unregistered).await(30, TimeUnit.SECONDS);
  }

  /** A node's own channels: the lookup must search a populated map, and miss. */
  private static Map<String, Object> localChannels(int node) {
    Map<String, Object> channels = new HashMap<>();
    for (int i = 0; i < AUDIENCES; i++) {
      channels.put("channel:node" + node + "-" + i, new Object());
    }
    return channels;
  }

  /** About the size of a small event frame as clients get it. */
  private static Buffer encodedEvent() {
    byte[] bytes = new byte[BODY_BYTES];
    Arrays.fill(bytes, (byte) 'x');
    byte[] head =
        "{\"type\":\"event\",\"channel\":\"news\",\"data\":\"".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[BODY_BYTES - 2] = '"';
    bytes[BODY_BYTES - 1] = '}';
    return Buffer.buffer(bytes);
  }

  /** The hub's work for an event with no local subscriber, plus a count for the publisher. */
  private static final class Receiver implements Handler<Message<Buffer>> {
    private final Map<String, Object> localChannels;
    private final Runnable onBatch;
    // Written only by this node's event loop; read by the publisher.
    private volatile long received;
    // Keeps the lookup's result live, so the JIT cannot drop the lookup.
    private long delivered;

    Receiver(Map<String, Object> localChannels, Runnable onBatch) {
      this.localChannels = localChannels;
      this.onBatch = onBatch;
    }

    @Override
    public void handle(Message<Buffer> message) {
      Object subscribers = localChannels.get(message.headers().get(AUDIENCE_HEADER));
      if (subscribers != null) {
        delivered++;
      }
      long count = received + 1;
      received = count;
      if (count % BATCH == 0) {
        onBatch.run();
      }
    }

    long received() {
      return received;
    }
  }
}
