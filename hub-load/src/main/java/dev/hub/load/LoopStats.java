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

  final Histogram local = histogram();
  final Histogram remote = histogram();
  /**
   * Distinct events delivered. Volatile because the run's main thread polls it while draining; one
   * writer (this loop), so the increment is not racy.
   */
  volatile long delivered;
  long duplicates;
  long outOfOrder;

  static Histogram histogram() {
    return new Histogram(MAX_MICROS, 3);
  }

  void record(boolean isLocal, long latencyNanos) {
    long micros = Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1_000));
    (isLocal ? local : remote).recordValue(micros);
  }

  /** A copy taken on the loop, to merge on another thread. */
  Snapshot snapshot() {
    return new Snapshot(local.copy(), remote.copy(), delivered, duplicates, outOfOrder);
  }

  record Snapshot(Histogram local, Histogram remote, long delivered, long duplicates, long outOfOrder) {
  }
}
