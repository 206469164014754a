package dev.hub.presence;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Presence in a Hazelcast MultiMap, channel → entries. Its calls block, so they run on workers,
 * in order per event loop: a connection that closes while its subscribe is being recorded must have
 * its entry removed after it was added, not before. A node's entries outlive it only until a
 * survivor hears that it left the cluster.
 */
public final class HazelcastPresenceStore implements PresenceStore {
  static final String MAP = "hub.presence";

  private final Vertx vertx;
  private final MultiMap<String, String> map;

  public HazelcastPresenceStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMultiMap(MAP);
  }

  @Override
  public Future<PresenceChange> add(String channel, PresenceEntry entry) {
    return vertx.executeBlocking(() -> {
      map.put(channel, entry.encode());
      return new PresenceChange(channel, entry.user(), connectionsOf(channel, entry.user()) == 1, false);
    }, true);
  }

  @Override
  public Future<PresenceChange> remove(String channel, PresenceEntry entry) {
    return vertx.executeBlocking(() -> {
      boolean removed = map.remove(channel, entry.encode());
      boolean left = removed && connectionsOf(channel, entry.user()) == 0;
      return new PresenceChange(channel, entry.user(), false, left);
    }, true);
  }

  @Override
  public Future<Map<String, Integer>> users(String channel) {
    return vertx.executeBlocking(() -> count(map.get(channel)), false);
  }

  @Override
  public Future<List<PresenceChange>> removeNode(String nodeId) {
    return vertx.executeBlocking(() -> {
      List<PresenceChange> changes = new ArrayList<>();
      for (String channel : map.keySet()) {
        for (String value : map.get(channel)) {
          PresenceEntry entry = PresenceEntry.decode(value);
          if (entry.nodeId().equals(nodeId) && map.remove(channel, value)
              && connectionsOf(channel, entry.user()) == 0) {
            changes.add(new PresenceChange(channel, entry.user(), false, true));
          }
        }
      }
      return changes;
    }, false);
  }

  private int connectionsOf(String channel, String user) {
    return count(map.get(channel)).getOrDefault(user, 0);
  }

  private static Map<String, Integer> count(Collection<String> values) {
    Map<String, Integer> users = new TreeMap<>();
    for (String value : values) {
      users.merge(PresenceEntry.decode(value).user(), 1, Integer::sum);
    }
    return users;
  }
}
