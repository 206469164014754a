package dev.hub.load;

/**
 * The run's clock: nanoseconds since the run began, on this process's {@link System#nanoTime}, so
 * send and receive times compare across threads and never go negative. Publisher and subscribers
 * share one process, hence one clock: no clock skew enters a latency.
 *
 * <p>{@link #machine()} is the clock a run split over processes shares: the raw {@link
 * System#nanoTime}, which on Linux is {@code CLOCK_MONOTONIC}, the same in every process of the
 * machine (HotSpot adds no per-process offset), so an event stamped by a publisher in one process is
 * timed by subscribers in another.
 */
final class Timeline {
  private final long origin;
  /** Events sent (or meant to be sent) before this are warmup: delivered and counted, not timed. */
  private volatile long measureFrom = Long.MAX_VALUE;

  Timeline() {
    this(System.nanoTime());
  }

  private Timeline(long origin) {
    this.origin = origin;
  }

  /** The machine's monotonic clock, shared by the processes of a run; every event is timed. */
  static Timeline machine() {
    Timeline timeline = new Timeline(0);
    timeline.measureFrom(Long.MIN_VALUE);
    return timeline;
  }

  long now() {
    return System.nanoTime() - origin;
  }

  long measureFrom() {
    return measureFrom;
  }

  void measureFrom(long nanos) {
    measureFrom = nanos;
  }
}
