package dev.hub.protocol;

/**
 * Why the server ended a subscription the client did not ask to end: the {@code reason} of an
 * {@code unsubscribed} frame without {@code id} (docs/protocol.md section 4).
 */
public enum UnsubscribeReason {
  /** A refreshed token no longer allows the channel; the client should not subscribe again. */
  FORBIDDEN("forbidden"),
  /** The connection fell too far behind on a history channel; subscribing again with {@code since} recovers. */
  OVERFLOW("overflow");

  private final String wire;

  UnsubscribeReason(String wire) {
    this.wire = wire;
  }

  /** The reason as it appears on the wire. */
  public String wire() {
    return wire;
  }
}
