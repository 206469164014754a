package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A load run: the publisher connects first (so subscribers know which node is local), then the
 * subscribers as a paced storm, then the publisher publishes through warmup and the measured window,
 * the run drains for {@code lossTimeout}, and everything is closed. Sockets live on the event loops
 * and are only touched there; this class's own thread just starts the steps, waits for each with a
 * bound, and samples CPU at the window's edges.
 */
public final class LoadGenerator {
  /** How long before the schedule's start the publisher is told, so the first events are on time. */
  private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final long STEP_TIMEOUT_MS = 60_000;
  private static final long CLOSE_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final LoadOptions options;
  private final Timeline timeline = new Timeline();
  private final List<LoopStats> stats = new ArrayList<>();
  private List<Context> loops;
  private Dialer dialer;
  private Publisher publisher;

  private LoadGenerator(Vertx vertx, LoadOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * Runs the load and returns what it measured. Blocks until done (about connect time, warmup,
   * duration and at most {@code lossTimeout} more); never call it on an event loop. It owns its
   * Vert.x and closes it, with every socket, before returning.
   */
  public static LoadResult run(LoadOptions options) throws Exception {
    int subscriberLoops = Math.max(2, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(subscriberLoops + 1));
    try {
      return new LoadGenerator(vertx, options).execute(subscriberLoops);
    } finally {
      try {
        vertx.close().await(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // The result stands; a slow close must not turn it into a failure.
      }
    }
  }

  private LoadResult execute(int subscriberLoops) throws Exception {
    List<Context> all = EventLoops.contexts(vertx, subscriberLoops + 1)
        .await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    // The publisher has a loop of its own: sharing one with subscribers, its sends would wait
    // behind their deliveries, and the load generator's own delay would be measured as the server's
    // latency.
    Context publisherLoop = all.get(subscriberLoops);
    loops = all.subList(0, subscriberLoops);
    loops.forEach(loop -> stats.add(new LoopStats()));
    dialer = new Dialer(
        vertx, options.sourceAddresses(), options.subscribers() + 1, options.payloadBytes() + 1024);
    publisher = onContext(publisherLoop, () -> Publisher.connect(vertx, dialer, options, timeline))
        .await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    // Room to read /proc at the window's edges even when the storm took every other descriptor.
    FileDescriptorReserve reserve = new FileDescriptorReserve();
    PacedConnector.Report<Subscriber> storm = new PacedConnector<Subscriber>(
            loops.get(0), loops, options.connectsPerSecond(), this::openSubscriber)
        .open(options.subscribers())
        .await();
    reserve.close();
    List<Subscriber> subscribers = storm.opened();
    try {
      if (publisher.window() != null) {
        publisher.window().expect(subscribers.size());
      }
      Measurement measured =
          subscribers.isEmpty() ? Measurement.NONE : publishAndDrain(subscribers.size());
      return result(storm, subscribers, measured);
    } finally {
      close(subscribers);
    }
  }

  private Future<Subscriber> openSubscriber(int index, int loop) {
    List<URI> urls = options.urls();
    URI url = urls.get(index % urls.size());
    boolean hub = options.target() == Target.HUB;
    return dialer
        .dial(index + 1, url, hub ? "user=load-" + index : null)
        .compose(socket -> new Subscriber(
                vertx,
                socket,
                options.target(),
                stats.get(loop),
                timeline,
                publisher.window(),
                publisher.node(),
                url.equals(urls.get(0)),
                hub ? options.channel() : null)
            .ready());
  }

  /** What the main thread saw at the window's edges, and after draining. */
  private record Measurement(WindowSample first, WindowSample last) {
    static final Measurement NONE = new Measurement(null, null);
  }

  private Measurement publishAndDrain(int subscribed) throws Exception {
    long start = timeline.now() + LEAD_NANOS;
    long measureFrom = start + options.warmup().toNanos();
    long end = measureFrom + options.duration().toNanos();
    timeline.measureFrom(measureFrom);
    Future<Void> publishing = publisher.publish(start, end);
    parkUntil(measureFrom);
    WindowSample first = WindowSample.take(timeline, delivered(), options.serverPids());
    parkUntil(end);
    WindowSample last = WindowSample.take(timeline, delivered(), options.serverPids());
    publishing.await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    drain(subscribed);
    return new Measurement(first, last);
  }

  /**
   * Waits, up to {@code lossTimeout}, for every event not refused to reach every subscriber and, on a
   * hub, for every event's ack or refusal.
   */
  private void drain(int subscribed) {
    long deadline = timeline.now() + options.lossTimeout().toNanos();
    while (timeline.now() < deadline && !drained(subscribed)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private boolean drained(int subscribed) {
    long answered = publisher.acked() + publisher.refused();
    boolean acksIn = options.target() == Target.BASELINE || answered >= publisher.published();
    return acksIn && delivered() >= (publisher.published() - publisher.refused()) * subscribed;
  }

  private long delivered() {
    long sum = 0;
    for (LoopStats loop : stats) {
      sum += loop.delivered;
    }
    return sum;
  }

  private void parkUntil(long nanos) {
    long left;
    while ((left = nanos - timeline.now()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private LoadResult result(
      PacedConnector.Report<Subscriber> storm, List<Subscriber> subscribers, Measurement measured)
      throws Exception {
    List<LoopStats.Snapshot> snapshots = snapshots();
    Publisher.Acks acks = publisher.acks().await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return new ResultBuilder(
            options,
            storm,
            subscribers,
            publisher,
            snapshots,
            acks,
            measured.first(),
            measured.last())
        .build();
  }

  /** Each loop's statistics, copied on its own loop. */
  private List<LoopStats.Snapshot> snapshots() throws Exception {
    List<Future<LoopStats.Snapshot>> copies = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      LoopStats loop = stats.get(i);
      copies.add(onContext(loops.get(i), () -> Future.succeededFuture(loop.snapshot())));
    }
    Future.all(copies).await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    List<LoopStats.Snapshot> result = new ArrayList<>();
    copies.forEach(copy -> result.add(copy.result()));
    return result;
  }

  /** Starts work on a loop's context, so every future and handler it creates lives there. */
  private static <T> Future<T> onContext(
      Context context, java.util.function.Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(
        v -> Future.succeededFuture().compose(x -> work.get()).onComplete(promise));
    return promise.future();
  }

  private void close(List<Subscriber> subscribers) {
    List<Future<Void>> closing = new ArrayList<>();
    subscribers.forEach(subscriber -> closing.add(subscriber.close()));
    if (publisher != null) {
      closing.add(publisher.close());
    }
    try {
      Future.join(closing).await(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // Vert.x's own close, next, ends whatever is left.
    }
    if (dialer != null) {
      dialer.close();
    }
  }
}
