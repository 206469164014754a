package dev.hub.load;

/** What the load generator talks to. */
public enum Target {
  /** A hub node: subscribers send {@code subscribe}, the publisher sends {@code publish} and reads acks. */
  HUB,
  /** A {@link BaselineServer}: no protocol, every text frame is written back to every socket. */
  BASELINE
}
