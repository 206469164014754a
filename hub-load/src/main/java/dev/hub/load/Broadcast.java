package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The publishing side of a capacity run: one connection publishes {@code events} events on a fixed
 * schedule, stamped on the machine's clock ({@link Timeline#machine()}) so that {@link Listeners}
 * in other processes time them, and waits for every ack.
 */
public final class Broadcast {
  private static final long STEP_TIMEOUT_MS = 60_000;
  private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** What was sent: events published, acked and refused, and the node that took them. */
  public record Sent(long published, long acked, long refused, String node) {}

  private Broadcast() {}

  /**
   * Publishes and waits for the acks; blocks, never call it on an event loop.
   *
   * @param interval between two events: long enough for one to reach everyone before the next
   */
  public static Sent run(URI url, String channel, int events, Duration interval, int payloadBytes)
      throws Exception {
    double perSecond = 1e9 / interval.toNanos();
    LoadOptions options = new LoadOptions(
        List.of(url),
        0,
        channel,
        Target.HUB,
        Mode.RATE,
        perSecond,
        1,
        Duration.ZERO,
        interval.multipliedBy(events),
        payloadBytes,
        0,
        List.of(),
        Duration.ofSeconds(5),
        List.of());
    Timeline timeline = Timeline.machine();
    Vertx vertx = Vertx.vertx();
    Dialer dialer = new Dialer(vertx, List.of(), 1, payloadBytes + 1024);
    try {
      Context context = vertx.getOrCreateContext();
      Promise<Publisher> connecting = Promise.promise();
      context.runOnContext(
          v -> Publisher.connect(vertx, dialer, options, timeline).onComplete(connecting));
      Publisher publisher = connecting.future().await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      long start = timeline.now() + LEAD_NANOS;
      // Half an interval short of the last one's successor, so that rounding cannot add an event.
      long end = start + interval.toNanos() * events - interval.toNanos() / 2;
      publisher
          .publish(start, end)
          .await(interval.toMillis() * events + STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
      while (publisher.acked() + publisher.refused() < publisher.published()
          && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      Sent sent =
          new Sent(publisher.published(), publisher.acked(), publisher.refused(), publisher.node());
      publisher.close().await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return sent;
    } finally {
      dialer.close();
      try {
        vertx.close().await(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // what was sent stands
      }
    }
  }
}
