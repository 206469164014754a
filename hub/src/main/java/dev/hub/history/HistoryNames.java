package dev.hub.history;

import com.hazelcast.core.DistributedObject;
import dev.hub.internals.HazelcastInternals;

/**
 * How a channel's history is named in Hazelcast: its ring {@code hub.history.<key>@<key>} and its
 * epoch entry {@code <key>} in {@code hub.epochs}. The {@code @<key>} suffix places the ring in the
 * partition of the epoch entry keyed by the same string, so the two are lost together.
 */
final class HistoryNames {
  static final String RING_PREFIX = "hub.history.";
  static final String EPOCHS = "hub.epochs";

  private HistoryNames() {}

  /** '@' is Hazelcast's partition-key separator and legal in channel names: escape it. */
  static String key(String channel) {
    return channel.replace("@", "%40");
  }

  /** The channel of a key ('%' is not a channel character, so the escape cannot be ambiguous). */
  static String channel(String key) {
    return key.replace("%40", "@");
  }

  static String ring(String key) {
    return RING_PREFIX + key + "@" + key;
  }

  /** The configuration name of the rings of a channel pattern. */
  static String ringPattern(String pattern) {
    return RING_PREFIX + key(pattern);
  }

  /** The channel key of a history ring's proxy, or null for any other object. */
  static String keyOfRing(DistributedObject object) {
    String name = object.getName();
    if (!HazelcastInternals.RINGBUFFER_SERVICE.equals(object.getServiceName())
        || !name.startsWith(RING_PREFIX)) {
      return null;
    }
    int at = name.lastIndexOf('@');
    return at < 0 ? null : name.substring(at + 1);
  }
}
