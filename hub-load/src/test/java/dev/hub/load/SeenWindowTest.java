package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenWindowTest {
  @Test
  void tellsDuplicatesFromLateArrivals() {
    SeenWindow seen = new SeenWindow();

    assertThat(seen.accept(0)).isEqualTo(SeenWindow.Arrival.IN_ORDER);
    assertThat(seen.accept(2)).isEqualTo(SeenWindow.Arrival.IN_ORDER);
    assertThat(seen.accept(1)).isEqualTo(SeenWindow.Arrival.LATE);
    assertThat(seen.accept(1)).isEqualTo(SeenWindow.Arrival.DUPLICATE);
    assertThat(seen.accept(2)).isEqualTo(SeenWindow.Arrival.DUPLICATE);
  }

  @Test
  void forgetsWhatSlidOutOfTheWindow() {
    SeenWindow seen = new SeenWindow();
    seen.accept(5);
    seen.accept(5 + SeenWindow.SIZE);

    assertThat(seen.accept(5)).isEqualTo(SeenWindow.Arrival.LATE);
    // A number the window passed over reads as unseen, not as the old number's bit.
    assertThat(seen.accept(6 + SeenWindow.SIZE)).isEqualTo(SeenWindow.Arrival.IN_ORDER);
    assertThat(seen.accept(SeenWindow.SIZE + 3)).isEqualTo(SeenWindow.Arrival.LATE);
  }
}
