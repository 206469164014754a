package dev.hub.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Phase B, the correctness hazard of the per-channel design: node B registers a consumer for an
 * address and waits for its completion, then node A publishes to the address every millisecond.
 * How long after B's completion does B get the first event, and how many events published after
 * that completion never reach B?
 *
 * <p>What node A knows about the address beforehand is the {@link Mode}.
 */
final class PropagationPhase {
  /** How long one probe may wait for any single step. */
  private static final long STEP_MILLIS = 5_000;
  /** Time left for events already on the wire to arrive after the publisher stops. */
  private static final long GRACE_MILLIS = 100;
  /** Every probe, warm-up ones included, gets an address no earlier probe used. */
  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  enum Mode {
    /**
     * A has sent once to the address while it had no consumer anywhere. One might expect that to
     * leave a cached "no handler" on A; Vert.x 5.0.10's DefaultNodeSelector drops an entry whose
     * lookup found nobody, so A's next publish asks Hazelcast again. This mode shows that.
     */
    COLD,
    /**
     * The channel already has a subscriber on node C, and A has published to it, so A's node
     * selector holds a cached entry for the address ("only C") that is refreshed only through
     * Hazelcast entry listeners. This is a busy channel gaining a subscriber on a new node.
     */
    WARM
  }

  record Result(
      Mode mode,
      int probes,
      boolean gaveUp,
      Histogram windowMicros,
      int neverReceived,
      long publishedAfterReady,
      long lost,
      int probesWithLoss) {}

  private record Probe(long windowMicros, int published, int received) {}

  private final BenchCluster cluster;
  private final Mode mode;
  private final Histogram window = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);

  private PropagationPhase(BenchCluster cluster, Mode mode) {
    this.cluster = cluster;
    this.mode = mode;
  }

  static Result run(BenchCluster cluster, Mode mode, int probes, Deadline deadline)
      throws Exception {
    PropagationPhase phase = new PropagationPhase(cluster, mode);
    int done = 0;
    int never = 0;
    int withLoss = 0;
    long published = 0;
    long lost = 0;
    for (; done < probes && !deadline.passed(); done++) {
      String address =
          "bench.propagation." + mode.name().toLowerCase() + "." + ADDRESSES.getAndIncrement();
      Probe probe = phase.probe(address);
      if (probe.windowMicros < 0) {
        never++;
      } else {
        phase.window.recordValue(probe.windowMicros);
      }
      published += probe.published;
      lost += probe.published - probe.received;
      withLoss += probe.published > probe.received ? 1 : 0;
    }
    return new Result(mode, done, done < probes, phase.window, never, published, lost, withLoss);
  }

  /** One address, start to end; windowMicros is -1 if B never got an event within the step time. */
  private Probe probe(String address) throws Exception {
    MessageConsumer<Integer> existing = prime(address);
    Receiver receiver = Receiver.register(cluster.context(1), address);
    long ready = receiver.ready.future().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
    Publisher publisher = Publisher.start(cluster.context(0), address);
    long windowMicros;
    try {
      windowMicros = TimeUnit.NANOSECONDS.toMicros(
          receiver.first.future().await(STEP_MILLIS, TimeUnit.MILLISECONDS) - ready);
    } catch (TimeoutException e) {
      windowMicros = -1;
    }
    int published = publisher.stop().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
    TimeUnit.MILLISECONDS.sleep(GRACE_MILLIS);
    Probe probe = new Probe(windowMicros, published, receiver.seen.size());
    unregister(receiver.consumer);
    if (existing != null) {
      unregister(existing);
    }
    return probe;
  }

  /** Sets up what A knows about the address; returns C's consumer in WARM mode. */
  private MessageConsumer<Integer> prime(String address) throws Exception {
    if (mode == Mode.WARM) {
      return warmUp(address);
    }
    sendWithNoHandler(address);
    return null;
  }

  /**
   * A sends once to an address nobody consumes. A request rather than a plain send, because its
   * NO_HANDLERS failure tells when A's lookup has finished, so B cannot register before it.
   */
  private void sendWithNoHandler(String address) throws Exception {
    Promise<Void> looked = Promise.promise();
    cluster
        .context(0)
        .runOnContext(v -> cluster
            .node(0)
            .eventBus()
            .request(address, -1, new DeliveryOptions().setSendTimeout(STEP_MILLIS))
            .onComplete(reply -> looked.complete()));
    looked.future().await(STEP_MILLIS * 2, TimeUnit.MILLISECONDS);
  }

  /** C subscribes, then A publishes until C has an event: A now caches "only C" for the address. */
  private MessageConsumer<Integer> warmUp(String address) throws Exception {
    Receiver onC = Receiver.register(cluster.context(2), address);
    onC.ready.future().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
    Publisher publisher = Publisher.start(cluster.context(0), address);
    onC.first.future().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
    publisher.stop().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
    return onC.consumer;
  }

  private static void unregister(MessageConsumer<?> consumer) throws Exception {
    consumer.unregister().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A consumer that notes when its registration completed, when the first event came, and which came. */
  private static final class Receiver {
    final Promise<Long> ready = Promise.promise();
    final Promise<Long> first = Promise.promise();
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();
    volatile MessageConsumer<Integer> consumer;

    static Receiver register(Context context, String address) throws Exception {
      Receiver receiver = new Receiver();
      Promise<Void> created = Promise.promise();
      context.runOnContext(v -> {
        receiver.consumer = context.owner().eventBus().<Integer>consumer(address, message -> {
          receiver.first.tryComplete(System.nanoTime());
          receiver.seen.add(message.body());
        });
        receiver
            .consumer
            .completion()
            .onSuccess(done -> receiver.ready.complete(System.nanoTime()))
            .onFailure(receiver.ready::fail);
        created.complete();
      });
      created.future().await(STEP_MILLIS, TimeUnit.MILLISECONDS);
      return receiver;
    }
  }

  /** Publishes 0, 1, 2, ... to an address every millisecond from a node's event loop. */
  private static final class Publisher {
    private final Context context;
    private final String address;
    private long timer;
    private int sent;

    private Publisher(Context context, String address) {
      this.context = context;
      this.address = address;
    }

    static Publisher start(Context context, String address) {
      Publisher publisher = new Publisher(context, address);
      context.runOnContext(v -> {
        publisher.publishNext();
        publisher.timer = context.owner().setPeriodic(1, id -> publisher.publishNext());
      });
      return publisher;
    }

    private void publishNext() {
      context.owner().eventBus().publish(address, sent++);
    }

    /** Stops publishing; completes with how many events were published. */
    Future<Integer> stop() {
      Promise<Integer> stopped = Promise.promise();
      context.runOnContext(v -> {
        context.owner().cancelTimer(timer);
        stopped.complete(sent);
      });
      return stopped.future();
    }
  }
}
