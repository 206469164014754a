package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * {@code listen}: one process's share of a capacity run. One process can hold only as many
 * connections as it has file descriptors (20,000 here), so a run of 48,000 subscribers is several of
 * these, each opening its share, saying so on stdout ({@code listen ready opened=<n> failed=<n>}),
 * then waiting for the broadcasts another process publishes, timed on the machine's clock
 * ({@link Timeline#machine()}). It ends when every subscriber has every event, or at the timeout.
 */
public final class Listeners {
  private static final long STEP_TIMEOUT_MS = 60_000;
  private static final long CLOSE_TIMEOUT_MS = 30_000;

  private Listeners() {}

  /** Runs it; blocks for the storm and the wait. Never call it on an event loop. */
  public static ListenResult run(ListenOptions options, PrintStream out) throws Exception {
    int loopCount = Math.max(2, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loopCount));
    try {
      List<Context> loops =
          EventLoops.contexts(vertx, loopCount).await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Dialer dialer = new Dialer(vertx, options.sourceAddresses(), options.connections(), 65_536);
      List<LoopStats> stats = new ArrayList<>();
      loops.forEach(loop -> stats.add(new LoopStats()));
      Timeline timeline = Timeline.machine();
      PacedConnector.Report<Subscriber> storm = new PacedConnector<Subscriber>(
              loops.get(0),
              loops,
              options.connectsPerSecond(),
              (index, loop) -> open(vertx, dialer, options, index, stats.get(loop), timeline))
          .open(options.connections())
          .await();
      out.printf(
          Locale.ROOT,
          "listen ready opened=%d failed=%d%n",
          storm.opened().size(),
          storm.failed() + storm.notAttempted());
      out.flush();
      try {
        awaitAll(
            stats,
            (long) options.events() * storm.opened().size(),
            options.timeout().toNanos());
        return result(options, storm, snapshots(loops, stats));
      } finally {
        close(storm.opened());
        dialer.close();
      }
    } finally {
      try {
        vertx.close().await(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // The result stands.
      }
    }
  }

  private static Future<Subscriber> open(
      Vertx vertx,
      Dialer dialer,
      ListenOptions options,
      int index,
      LoopStats stats,
      Timeline timeline) {
    URI url = options.urls().get(index % options.urls().size());
    return dialer
        .dial(index, url, "user=listen-" + ProcessHandle.current().pid() + "-" + index)
        .compose(socket -> new Subscriber(
                vertx, socket, Target.HUB, stats, timeline, null, null, false, options.channel())
            .ready());
  }

  private static void awaitAll(List<LoopStats> stats, long expected, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    while (delivered(stats) < expected && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static long delivered(List<LoopStats> stats) {
    long sum = 0;
    for (LoopStats loop : stats) {
      sum += loop.delivered;
    }
    return sum;
  }

  /** Each loop's statistics, copied on its own loop. */
  private static List<LoopStats.Snapshot> snapshots(List<Context> loops, List<LoopStats> stats)
      throws Exception {
    List<Future<LoopStats.Snapshot>> copies = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      LoopStats loop = stats.get(i);
      Promise<LoopStats.Snapshot> copy = Promise.promise();
      loops.get(i).runOnContext(v -> copy.complete(loop.snapshot()));
      copies.add(copy.future());
    }
    Future.all(copies).await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return copies.stream().map(Future::result).toList();
  }

  private static ListenResult result(
      ListenOptions options,
      PacedConnector.Report<Subscriber> storm,
      List<LoopStats.Snapshot> snapshots) {
    Histogram latency = LoopStats.histogram();
    long delivered = 0;
    long duplicates = 0;
    long outOfOrder = 0;
    long[] deliveries = new long[options.events()];
    long[] slowest = new long[options.events()];
    for (LoopStats.Snapshot loop : snapshots) {
      latency.add(loop.local());
      latency.add(loop.remote());
      delivered += loop.delivered();
      duplicates += loop.duplicates();
      outOfOrder += loop.outOfOrder();
      for (int i = 0; i < options.events(); i++) {
        deliveries[i] += loop.eventDeliveries()[i];
        slowest[i] = Math.max(slowest[i], loop.eventSlowest()[i]);
      }
    }
    int closed = (int) storm.opened().stream().filter(Subscriber::isClosed).count();
    List<Integer> perEvent = new ArrayList<>();
    List<Long> slowestPerEvent = new ArrayList<>();
    for (int i = 0; i < options.events(); i++) {
      perEvent.add((int) deliveries[i]);
      slowestPerEvent.add(slowest[i]);
    }
    return new ListenResult(
        options.connections(),
        storm.opened().size(),
        storm.failed(),
        storm.notAttempted(),
        storm.reasons(),
        storm.seconds(),
        closed,
        delivered,
        duplicates,
        outOfOrder,
        perEvent,
        slowestPerEvent,
        latency);
  }

  private static void close(List<Subscriber> subscribers) {
    List<Future<Void>> closing = new ArrayList<>();
    subscribers.forEach(subscriber -> closing.add(subscriber.close()));
    try {
      Future.join(closing).await(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // Vert.x's own close, next, ends whatever is left.
    }
  }
}
