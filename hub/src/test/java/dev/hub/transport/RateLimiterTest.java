package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.transport.RateLimiter.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-connection token bucket, driven by a clock the test moves. */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long MILLI = 1_000_000L;

  /** The nano clock: starts anywhere (System.nanoTime() may be negative), moved only by the test. */
  private long now;

  @BeforeEach
  void startClock() {
    now = -123_456_789_000L;
  }

  private List<Verdict> send(RateLimiter limiter, int frames) {
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      verdicts.add(limiter.check(now));
    }
    return verdicts;
  }

  @Test
  void burstIsAllowedAtOnce() {
    RateLimiter limiter = new RateLimiter(10, 20, now);
    assertThat(send(limiter, 20)).containsOnly(Verdict.ALLOW);
  }

  @Test
  void frameBeyondTheBurstIsRefused() {
    RateLimiter limiter = new RateLimiter(10, 20, now);
    send(limiter, 20);
    assertThat(limiter.check(now)).isEqualTo(Verdict.REFUSE);
  }

  @Test
  void tokensRefillAtTheRate() {
    RateLimiter limiter = new RateLimiter(10, 20, now);
    send(limiter, 21);
    now += 350 * MILLI;
    assertThat(send(limiter, 4))
        .containsExactly(Verdict.ALLOW, Verdict.ALLOW, Verdict.ALLOW, Verdict.REFUSE);
  }

  @Test
  void refillStopsAtTheBurst() {
    RateLimiter limiter = new RateLimiter(10, 20, now);
    send(limiter, 20);
    now += 60 * SECOND;
    assertThat(send(limiter, 21)).filteredOn(v -> v == Verdict.ALLOW).hasSize(20);
  }

  @Test
  void floodIsClosedOnceRefusalsInOneSecondPassTheRate() {
    RateLimiter limiter = new RateLimiter(10, 10, now);
    List<Verdict> verdicts = send(limiter, 21);
    assertThat(verdicts)
        .containsExactly(
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.ALLOW,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.REFUSE,
            Verdict.CLOSE);
  }

  @Test
  void sustainedFloodAtThreeTimesTheRateIsClosedWithinTwoSeconds() {
    RateLimiter limiter = new RateLimiter(10, 10, now);
    long start = now;
    Verdict verdict = Verdict.ALLOW;
    while (verdict != Verdict.CLOSE && now - start < 2 * SECOND) {
      now += SECOND / 30;
      verdict = limiter.check(now);
    }
    assertThat(verdict).isEqualTo(Verdict.CLOSE);
  }

  @Test
  void clientSlightlyOverTheRateIsRefusedButNotClosed() {
    RateLimiter limiter = new RateLimiter(10, 10, now);
    List<Verdict> verdicts = new ArrayList<>();
    // 11 frames a second for a minute: 10% over the rate.
    for (int i = 0; i < 11 * 60; i++) {
      now += SECOND / 11;
      verdicts.add(limiter.check(now));
    }
    assertThat(verdicts).contains(Verdict.REFUSE).doesNotContain(Verdict.CLOSE);
  }
}
