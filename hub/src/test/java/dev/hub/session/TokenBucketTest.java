package dev.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The token bucket behind the message rate limit and the new-channel budget, on a test's clock. */
class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFullBucketAdmitsItsBurstAndThenNothingUntilItRefills() {
    TokenBucket bucket = new TokenBucket(10, 20, 0);
    for (int i = 0; i < 20; i++) {
      assertThat(bucket.tryTake(0)).as("take %d of the burst", i + 1).isTrue();
    }
    assertThat(bucket.tryTake(0)).as("the burst spent").isFalse();
    assertThat(bucket.tryTake(SECOND / 10)).as("a tenth of a second at 10/s").isTrue();
    assertThat(bucket.tryTake(SECOND / 10)).isFalse();
  }

  @Test
  void anIdleBucketHoldsNoMoreThanItsBurst() {
    TokenBucket bucket = new TokenBucket(10, 5, 0);
    int taken = 0;
    while (bucket.tryTake(60 * SECOND)) {
      taken++;
    }
    assertThat(taken).as("a minute idle at 10/s, burst 5").isEqualTo(5);
  }

  @Test
  void aRefusedTakeCostsNothing() {
    TokenBucket bucket = new TokenBucket(1, 1, 0);
    assertThat(bucket.tryTake(0)).isTrue();
    for (int i = 1; i < 10; i++) {
      assertThat(bucket.tryTake(i * SECOND / 10))
          .as("before the second is over")
          .isFalse();
    }
    // A millisecond over the second: ten refills of a tenth each add up to a hair under 1.
    assertThat(bucket.tryTake(SECOND + SECOND / 1000))
        .as("one second at 1/s, however often refused")
        .isTrue();
  }
}
