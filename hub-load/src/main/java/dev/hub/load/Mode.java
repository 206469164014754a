package dev.hub.load;

/** How the publisher paces its events. */
public enum Mode {
  /**
   * A fixed schedule of {@code eventsPerSecond}; each event carries its intended send time, so a
   * stalled publisher or server shows up as latency instead of hiding it (coordinated omission).
   */
  RATE,
  /**
   * As fast as the target delivers: at most {@code maxInFlight} events not yet delivered to every
   * subscriber; each event carries its actual send time.
   */
  MAX
}
