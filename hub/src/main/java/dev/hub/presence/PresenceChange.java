package dev.hub.presence;

/**
 * What a presence update did to a user's membership of a channel: {@code joined} when it was the
 * user's first connection there, {@code left} when it was the last. Both when a connection was put
 * back and then found closed (a node re-asserting its connections after a merge): the join comes
 * first.
 */
public record PresenceChange(String channel, String user, boolean joined, boolean left) {
  static PresenceChange joined(String channel, String user, boolean joined) {
    return new PresenceChange(channel, user, joined, false);
  }

  static PresenceChange left(String channel, String user, boolean left) {
    return new PresenceChange(channel, user, false, left);
  }
}
