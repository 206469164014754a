package dev.hub.presence;

/**
 * What a presence update did to a user's membership of a channel: {@code joined} when it was the
 * user's first connection there, {@code left} when it was the last.
 */
public record PresenceChange(String channel, String user, boolean joined, boolean left) {
  public static PresenceChange none(String channel, String user) {
    return new PresenceChange(channel, user, false, false);
  }
}
