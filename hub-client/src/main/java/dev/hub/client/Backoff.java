package dev.hub.client;

import java.util.function.DoubleSupplier;

/**
 * Reconnect delays with "full jitter": attempt {@code n} waits a uniform draw between 0 and
 * {@code min(max, min * factor^n)} ms, so clients dropped together by one node do not return together.
 *
 * @param minMs ceiling of the first attempt's delay
 * @param maxMs cap of every ceiling
 * @param factor growth of the ceiling per attempt, at least 1
 */
public record Backoff(long minMs, long maxMs, double factor) {
  public static final Backoff DEFAULT = new Backoff(500, 30_000, 2);

  public Backoff {
    if (minMs < 0 || maxMs < minMs || factor < 1) {
      throw new IllegalArgumentException("backoff needs 0 <= min <= max and factor >= 1");
    }
  }

  /** The delay before attempt {@code attempt} (0 for the first), drawn with {@code random} in [0, 1). */
  public long delay(int attempt, DoubleSupplier random) {
    double ceiling = Math.min(maxMs, minMs * Math.pow(factor, attempt));
    return (long) Math.floor(random.getAsDouble() * ceiling);
  }
}
