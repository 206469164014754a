package dev.hub.presence;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import com.hazelcast.query.QueryConstants;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * A channel's users with their number of connections, read where the channel's partition is: sent
 * to the partition's owner, it queries that one partition there (a partition predicate), so a
 * listing never scans the map and never blocks a Vert.x thread. Hazelcast's map queries have no
 * asynchronous form; its executor does.
 */
final class ChannelUsers
    implements Callable<TreeMap<String, Integer>>, Serializable, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  private final String channel;
  private transient HazelcastInstance hazelcast;

  ChannelUsers(String channel) {
    this.channel = channel;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public TreeMap<String, Integer> call() {
    IMap<String, String[]> map = hazelcast.getMap(HazelcastPresenceStore.MAP);
    // The partition holds other channels' entries too: the key pattern keeps this channel's.
    Predicate<String, String[]> ofChannel = Predicates.partitionPredicate(
        PresenceKey.partitionKeyOf(channel),
        Predicates.regex(
            QueryConstants.KEY_ATTRIBUTE_NAME.value(), PresenceKey.patternOf(channel)));
    TreeMap<String, Integer> users = new TreeMap<>();
    for (Map.Entry<String, String[]> entry : map.entrySet(ofChannel)) {
      users.put(PresenceKey.user(entry.getKey()), UserConnections.count(entry.getValue()));
    }
    return users;
  }
}
