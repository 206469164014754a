package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Connection capacity: opens many idle connections as a paced storm, holds them, and measures what
 * they cost the servers (RSS, and heap after a full GC, before and after opening). A server that runs
 * out of file descriptors fails opens; the storm counts them, gives up after many in a row, and the
 * run still ends and reports.
 */
public final class IdleConnections {
  private static final long STEP_TIMEOUT_MS = 60_000;
  private static final long CLOSE_TIMEOUT_MS = 30_000;

  private IdleConnections() {}

  /** Runs it; blocks for the storm, the measurements and the hold. Never call it on an event loop. */
  public static IdleResult run(IdleOptions options) throws Exception {
    List<ServerMemory.Reading> before = read(options.serverPids());
    int loopCount = Math.max(2, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loopCount));
    try {
      List<Context> loops =
          EventLoops.contexts(vertx, loopCount).await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Dialer dialer = new Dialer(vertx, options.sourceAddresses(), options.connections(), 65_536);
      // One per loop, not per connection: a subscriber's histograms are a few hundred KB.
      List<LoopStats> stats = new ArrayList<>();
      loops.forEach(loop -> stats.add(new LoopStats()));
      Timeline timeline = new Timeline();
      FileDescriptorReserve reserve = new FileDescriptorReserve();
      PacedConnector.Report<Subscriber> storm = new PacedConnector<Subscriber>(
              loops.get(0),
              loops,
              options.connectsPerSecond(),
              (index, loop) -> open(vertx, dialer, options, index, stats.get(loop), timeline))
          .open(options.connections())
          .await();
      reserve.close();
      try {
        List<ServerMemory.Reading> after = read(options.serverPids());
        long holdEnd = System.nanoTime() + options.hold().toNanos();
        for (long left = options.hold().toNanos(); left > 0; left = holdEnd - System.nanoTime()) {
          LockSupport.parkNanos(left);
        }
        int closed = (int) storm.opened().stream().filter(Subscriber::isClosed).count();
        return result(options, storm, closed, memory(options.serverPids(), before, after));
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

  /** Nothing is published: the statistics and the clock are there because a subscriber needs them. */
  private static Future<Subscriber> open(
      Vertx vertx,
      Dialer dialer,
      IdleOptions options,
      int index,
      LoopStats stats,
      Timeline timeline) {
    URI url = options.urls().get(index % options.urls().size());
    boolean hub = options.target() == Target.HUB;
    return dialer
        .dial(index, url, hub ? "user=idle-" + index : null)
        .compose(socket -> new Subscriber(
                vertx,
                socket,
                options.target(),
                stats,
                timeline,
                null,
                null,
                false,
                hub ? options.channel() : null)
            .ready());
  }

  private static List<ServerMemory.Reading> read(List<Long> pids) {
    List<ServerMemory.Reading> readings = new ArrayList<>();
    pids.forEach(pid -> readings.add(ServerMemory.Reading.of(pid)));
    return readings;
  }

  private static List<ServerMemory> memory(
      List<Long> pids, List<ServerMemory.Reading> before, List<ServerMemory.Reading> after) {
    List<ServerMemory> servers = new ArrayList<>();
    for (int i = 0; i < pids.size(); i++) {
      servers.add(ServerMemory.of(pids.get(i), before.get(i), after.get(i)));
    }
    return List.copyOf(servers);
  }

  private static IdleResult result(
      IdleOptions options,
      PacedConnector.Report<Subscriber> storm,
      int closed,
      List<ServerMemory> servers) {
    int opened = storm.opened().size();
    return new IdleResult(
        options.target(),
        options.urls().size(),
        options.connections(),
        opened,
        storm.failed(),
        storm.notAttempted(),
        storm.reasons(),
        storm.seconds(),
        storm.perSecond(),
        closed,
        options.hold().toMillis() / 1000.0,
        servers,
        perConnection(servers, true, opened),
        perConnection(servers, false, opened));
  }

  private static Double perConnection(List<ServerMemory> servers, boolean heap, int opened) {
    long growth = 0;
    boolean any = false;
    for (ServerMemory server : servers) {
      Long each = heap ? server.heapGrowth() : server.rssGrowth();
      if (each != null) {
        growth += each;
        any = true;
      }
    }
    return !any || opened == 0 ? null : (double) growth / opened;
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
