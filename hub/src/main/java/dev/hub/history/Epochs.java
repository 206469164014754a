package dev.hub.history;

import java.util.UUID;

/**
 * Epochs as the hub makes them: the time the history began, then a random part, as in
 * {@code mjq0x1kz-3f9a2c}. To clients an epoch is an opaque string that changes when the history
 * does; inside the cluster the time in front orders them, so a node that hears of two epochs of one
 * channel (a straggler of the old one after the new one began) keeps the newer and never goes back.
 */
public final class Epochs {
  private Epochs() {}

  /** A new epoch, newer than any made before it on any node whose clock is not behind. */
  public static String fresh() {
    return Long.toString(System.currentTimeMillis(), 36) + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  /**
   * Whether {@code candidate} began after {@code current}. An epoch without a readable time (made
   * by an older hub) counts as older than any that has one; two such are ordered as strings.
   */
  public static boolean isNewer(String candidate, String current) {
    if (current == null) {
      return candidate != null;
    }
    if (candidate == null || candidate.equals(current)) {
      return false;
    }
    long a = timeOf(candidate);
    long b = timeOf(current);
    return a != b ? a > b : candidate.compareTo(current) > 0;
  }

  private static long timeOf(String epoch) {
    int dash = epoch.indexOf('-');
    try {
      return dash > 0 ? Long.parseLong(epoch.substring(0, dash), 36) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
