package dev.hub.presence;

import java.util.regex.Pattern;

/**
 * Keys of the cluster's presence map, one per user per channel: {@code <user>@<channel>}. The map
 * is partitioned by Hazelcast's {@code StringPartitioningStrategy}, which hashes what follows the
 * first '@': every entry of a channel lands in the channel's partition, so listing it asks that one
 * partition. The user comes first with its '@' (and the escape character '%') escaped, so the first
 * '@' is always the separator; channel names may hold '@' themselves.
 */
final class PresenceKey {
  private PresenceKey() {}

  static String of(String channel, String user) {
    return user.replace("%", "%25").replace("@", "%40") + "@" + channel;
  }

  static String user(String key) {
    return key.substring(0, key.indexOf('@')).replace("%40", "@").replace("%25", "%");
  }

  static String channel(String key) {
    return key.substring(key.indexOf('@') + 1);
  }

  /**
   * A key in the channel's partition, for a partition predicate: Hazelcast passes that key through
   * the map's partitioning strategy too, so the bare channel name (which may hold '@') would not do.
   */
  static String partitionKeyOf(String channel) {
    return "@" + channel;
  }

  /** A regular expression matching exactly the keys of this channel (a partition holds others too). */
  static String patternOf(String channel) {
    return "[^@]*@" + Pattern.quote(channel);
  }
}
