package dev.hub.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events published in {@link Mode#MAX} and not yet delivered to every subscriber. Each event has a
 * slot holding its sequence number and how many subscribers have it, in one long, so a delivery
 * from any event loop counts with one compare-and-set, and a late delivery of an event whose slot
 * was given up (timed out) is recognised by its sequence number and ignored instead of counted for
 * the slot's next event. An event is done when the last subscriber has it, when it timed out, or
 * when the hub refused it; exactly one of those wins the slot.
 *
 * <p>The publisher's side ({@link #tryOpen}, {@link #expire}, {@link #refuse}) runs on the
 * publisher's event loop; {@link #delivered} on any.
 */
final class InFlightWindow {
  private static final int COUNT_BITS = 24;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final long FREE = -1;

  private final AtomicLongArray slots;
  private final long[] openedAt;
  private final int max;
  private volatile int subscribers;
  private final Runnable onDone;
  private final AtomicLong done = new AtomicLong();
  private long opened;
  private long timedOut;
  private int peak;

  /**
   * @param onDone called on the thread that completed an event; must be cheap and thread-safe
   */
  InFlightWindow(int max, Runnable onDone) {
    this.max = max;
    this.onDone = onDone;
    // Twice the bound: an event may only reuse the slot of one 2*max older, so a slow event blocks
    // the window only when it is that far behind.
    this.slots = new AtomicLongArray(2 * max);
    this.openedAt = new long[2 * max];
    for (int i = 0; i < slots.length(); i++) {
      slots.set(i, FREE);
    }
  }

  /** How many subscribers each event must reach; set once they are all ready, before publishing. */
  void expect(int count) {
    if (count > COUNT_MASK) {
      throw new IllegalArgumentException("at most " + COUNT_MASK + " subscribers in MAX mode");
    }
    subscribers = count;
  }

  /** Opens a slot for this event if the bound allows; the caller then sends it. */
  boolean tryOpen(long sequence, long now) {
    int slot = slot(sequence);
    if (inFlight() >= max || slots.get(slot) != FREE) {
      return false;
    }
    openedAt[slot] = now;
    opened++;
    if (subscribers == 0) {
      done.incrementAndGet();
      return true;
    }
    slots.set(slot, sequence << COUNT_BITS);
    peak = Math.max(peak, inFlight());
    return true;
  }

  /** One subscriber has this event (counted once per subscriber: duplicates are filtered before). */
  void delivered(long sequence) {
    int slot = slot(sequence);
    while (true) {
      long value = slots.get(slot);
      if (value == FREE || value >>> COUNT_BITS != sequence) {
        return;
      }
      long count = (value & COUNT_MASK) + 1;
      long next = count == subscribers ? FREE : value + 1;
      if (slots.compareAndSet(slot, value, next)) {
        if (next == FREE) {
          finish();
        }
        return;
      }
    }
  }

  /** The hub refused this event: nobody will get it, so it stops holding the window. */
  void refuse(long sequence) {
    release(slot(sequence), sequence);
  }

  /** Gives up on events opened before {@code deadline}; they count as timed out. */
  void expire(long deadline) {
    for (int slot = 0; slot < slots.length(); slot++) {
      long value = slots.get(slot);
      if (value != FREE && openedAt[slot] < deadline && release(slot, value >>> COUNT_BITS)) {
        timedOut++;
      }
    }
  }

  private boolean release(int slot, long sequence) {
    while (true) {
      long value = slots.get(slot);
      if (value == FREE || value >>> COUNT_BITS != sequence) {
        return false;
      }
      if (slots.compareAndSet(slot, value, FREE)) {
        finish();
        return true;
      }
    }
  }

  private void finish() {
    done.incrementAndGet();
    onDone.run();
  }

  int inFlight() {
    return (int) (opened - done.get());
  }

  int peak() {
    return peak;
  }

  long timedOut() {
    return timedOut;
  }

  private int slot(long sequence) {
    return (int) (sequence % slots.length());
  }
}
