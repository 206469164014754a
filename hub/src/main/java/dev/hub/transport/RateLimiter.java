package dev.hub.transport;

import dev.hub.session.TokenBucket;

/**
 * Per-connection message rate: a token bucket of {@code burst} tokens refilled at
 * {@code ratePerSecond}. A frame over the rate is refused; a client that goes on sending after
 * being refused (more refused frames in one second than the rate allows in one second) is
 * closed, so a flood costs the node at most about twice the permitted rate before it ends.
 * Not thread-safe: one connection, one event loop.
 */
public final class RateLimiter {
  /** What to do with one frame. */
  public enum Verdict {
    ALLOW,
    REFUSE,
    CLOSE
  }

  private static final long SECOND = 1_000_000_000L;

  private final TokenBucket bucket;
  private final int refusalsBeforeClose;
  private long windowStart;
  private int refusedInWindow;

  public RateLimiter(int ratePerSecond, int burst, long nowNanos) {
    this.bucket = new TokenBucket(ratePerSecond, burst, nowNanos);
    this.refusalsBeforeClose = ratePerSecond;
    this.windowStart = nowNanos;
  }

  public Verdict check(long nowNanos) {
    if (bucket.tryTake(nowNanos)) {
      return Verdict.ALLOW;
    }
    if (nowNanos - windowStart >= SECOND) {
      windowStart = nowNanos;
      refusedInWindow = 0;
    }
    refusedInWindow++;
    return refusedInWindow > refusalsBeforeClose ? Verdict.CLOSE : Verdict.REFUSE;
  }
}
