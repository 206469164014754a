package dev.hub.session;

/**
 * A token bucket: up to {@code burst} tokens, refilled continuously at {@code perSecond}; each
 * admitted action takes one. The clock is the caller's, in nanoseconds, so tests can drive it. Not
 * thread-safe: one connection, one event loop.
 */
public final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final double perNano;
  private final double burst;
  private double tokens;
  private long refilledAt;

  /** A full bucket at {@code nowNanos}. */
  public TokenBucket(double perSecond, double burst, long nowNanos) {
    this.perNano = perSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /** Takes a token if there is one at {@code nowNanos}; false leaves the bucket as it was. */
  public boolean tryTake(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * perNano);
    refilledAt = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
