package dev.hub.bench;

import java.time.Duration;

/** The time a phase may take before it gives up and reports what it has. */
final class Deadline {
  private final long endNanos;

  private Deadline(long endNanos) {
    this.endNanos = endNanos;
  }

  static Deadline in(Duration limit) {
    return new Deadline(System.nanoTime() + limit.toNanos());
  }

  boolean passed() {
    return System.nanoTime() > endNanos;
  }

  long remainingMillis() {
    return Math.max(1, (endNanos - System.nanoTime()) / 1_000_000);
  }
}
