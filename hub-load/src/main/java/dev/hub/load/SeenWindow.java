package dev.hub.load;

/**
 * Which recent sequence numbers one subscriber has seen: the highest, and a bitmap of the
 * {@value #SIZE} below it. Enough to tell a duplicate from a late arrival without keeping every
 * number a subscriber ever received (tens of thousands of subscribers times a long run would not
 * fit). A number older than the bitmap is taken as late, not duplicate. One per subscriber, used
 * on its event loop only.
 */
final class SeenWindow {
  static final int SIZE = 1024;

  enum Arrival {
    IN_ORDER,
    LATE,
    DUPLICATE
  }

  private final long[] bits = new long[SIZE / 64];
  private long highest = -1;

  Arrival accept(long sequence) {
    if (sequence > highest) {
      clearAbove(highest, sequence);
      set(sequence);
      highest = sequence;
      return Arrival.IN_ORDER;
    }
    if (sequence <= highest - SIZE) {
      return Arrival.LATE;
    }
    if (isSet(sequence)) {
      return Arrival.DUPLICATE;
    }
    set(sequence);
    return Arrival.LATE;
  }

  /** Frees the bits the window slides over, so they read as unseen. */
  private void clearAbove(long from, long to) {
    if (to - from >= SIZE) {
      java.util.Arrays.fill(bits, 0L);
      return;
    }
    for (long s = from + 1; s <= to; s++) {
      int slot = (int) (s % SIZE);
      bits[slot >>> 6] &= ~(1L << (slot & 63));
    }
  }

  private void set(long sequence) {
    int slot = (int) (sequence % SIZE);
    bits[slot >>> 6] |= 1L << (slot & 63);
  }

  private boolean isSet(long sequence) {
    int slot = (int) (sequence % SIZE);
    return (bits[slot >>> 6] & (1L << (slot & 63))) != 0;
  }
}
