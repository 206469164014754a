package dev.hub.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(100, 1000, 2);

  @Test
  void drawsUniformlyUnderACappedExponentialCeiling() {
    assertThat(backoff.delay(0, () -> 0.5)).isEqualTo(50);
    assertThat(backoff.delay(3, () -> 0.5)).isEqualTo(400);
    assertThat(backoff.delay(4, () -> 0.99)).isEqualTo(990);
    assertThat(backoff.delay(30, () -> 0.5)).as("capped at max").isEqualTo(500);
    assertThat(backoff.delay(5, () -> 0.0)).isZero();
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new Backoff(100, 50, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(100, 500, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
