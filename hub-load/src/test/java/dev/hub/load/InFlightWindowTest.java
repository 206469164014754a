package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {
  private final AtomicInteger done = new AtomicInteger();
  private final InFlightWindow window = new InFlightWindow(2, done::incrementAndGet);

  @Test
  void anEventIsDoneWhenEverySubscriberHasIt() {
    window.expect(3);
    assertThat(window.tryOpen(0, 0)).isTrue();
    assertThat(window.tryOpen(1, 0)).isTrue();
    assertThat(window.tryOpen(2, 0)).as("the bound").isFalse();

    window.delivered(0);
    window.delivered(0);
    assertThat(window.inFlight()).isEqualTo(2);
    window.delivered(0);

    assertThat(window.inFlight()).isEqualTo(1);
    assertThat(done).hasValue(1);
    assertThat(window.tryOpen(2, 0)).isTrue();
    assertThat(window.peak()).isEqualTo(2);
  }

  @Test
  void aTimedOutEventFreesItsSlotAndItsLateDeliveriesAreIgnored() {
    window.expect(2);
    window.tryOpen(0, 100);
    window.tryOpen(1, 200);

    window.expire(150);

    assertThat(window.timedOut()).isEqualTo(1);
    assertThat(window.inFlight()).isEqualTo(1);
    window.tryOpen(2, 300);
    window.tryOpen(3, 300);
    window.delivered(0);
    window.delivered(0);
    assertThat(done).as("late deliveries of event 0").hasValue(1);
  }

  @Test
  void aRefusedEventStopsHoldingTheWindow() {
    window.expect(5);
    window.tryOpen(0, 0);

    window.refuse(0);

    assertThat(window.inFlight()).isZero();
  }
}
