package dev.hub.load;

import org.HdrHistogram.Histogram;

/**
 * What the subscribers of one event loop saw. Written only on that loop, so recording a delivery
 * costs no lock and no contended atomic; the histograms are copied on the loop when the run ends.
 * Latencies are in microseconds.
 */
final class LoopStats {
  /** The longest latency a histogram holds; longer ones are recorded as this. */
  static final long MAX_MICROS = 120_000_000L;
  /** Events whose own delivery count and slowest delivery are kept, by sequence number. */
  static final int TRACKED_EVENTS = 256;

  final Histogram local = histogram();
  final Histogram remote = histogram();
  /**
   * Distinct events delivered. Volatile because the run's main thread polls it while draining; one
   * writer (this loop), so the increment is not racy.
   */
  volatile long delivered;

  long duplicates;
  long outOfOrder;
  /** For each of the first events: deliveries, and the slowest one (publish to last delivery), in ns. */
  final int[] eventDeliveries = new int[TRACKED_EVENTS];

  final long[] eventSlowest = new long[TRACKED_EVENTS];

  static Histogram histogram() {
    return new Histogram(MAX_MICROS, 3);
  }

  void record(boolean isLocal, long latencyNanos) {
    long micros = Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1_000));
    (isLocal ? local : remote).recordValue(micros);
  }

  /** Counts one delivery of event {@code sequence}, whatever the measured window. */
  void event(long sequence, long latencyNanos) {
    if (sequence >= 0 && sequence < TRACKED_EVENTS) {
      int at = (int) sequence;
      eventDeliveries[at]++;
      eventSlowest[at] = Math.max(eventSlowest[at], latencyNanos);
    }
  }

  /** A copy taken on the loop, to merge on another thread. */
  Snapshot snapshot() {
    return new Snapshot(
        local.copy(),
        remote.copy(),
        delivered,
        duplicates,
        outOfOrder,
        eventDeliveries.clone(),
        eventSlowest.clone());
  }

  record Snapshot(
      Histogram local,
      Histogram remote,
      long delivered,
      long duplicates,
      long outOfOrder,
      int[] eventDeliveries,
      long[] eventSlowest) {}
}
