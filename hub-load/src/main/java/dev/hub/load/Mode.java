package dev.hub.load;

/** How the publisher paces its events. */
public enum Mode {
  /**
   * A fixed schedule of {@code eventsPerSecond}; each event carries its intended send time, so a
   * stalled publisher or server shows up as latency instead of hiding it (coordinated omission).
   * The schedule is kept by a 1 ms timer, so an event may leave up to about a millisecond after its
   * time, and that slack is part of every latency measured in this mode.
   */
  RATE,
  /**
   * As fast as the target delivers: at most {@code maxInFlight} events not yet delivered to every
   * subscriber; each event carries its actual send time.
   */
  MAX
}
