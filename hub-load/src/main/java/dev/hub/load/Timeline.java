package dev.hub.load;

/**
 * The run's clock: nanoseconds since the run began, on this process's {@link System#nanoTime}, so
 * send and receive times compare across threads and never go negative. Publisher and subscribers
 * share one process, hence one clock: no clock skew enters a latency.
 */
final class Timeline {
  private final long origin = System.nanoTime();
  /** Events sent (or meant to be sent) before this are warmup: delivered and counted, not timed. */
  private volatile long measureFrom = Long.MAX_VALUE;

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
