package dev.hub.presence;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Presence for a node that is not clustered: the same rules in this process's memory. */
public final class LocalPresenceStore implements PresenceStore {
  private final Map<String, Set<PresenceEntry>> channels = new HashMap<>();

  @Override
  public synchronized Future<PresenceChange> add(String channel, PresenceEntry entry) {
    channels.computeIfAbsent(channel, c -> new LinkedHashSet<>()).add(entry);
    return Future.succeededFuture(new PresenceChange(channel, entry.user(), connectionsOf(channel, entry.user()) == 1,
        false));
  }

  @Override
  public synchronized Future<PresenceChange> remove(String channel, PresenceEntry entry) {
    Set<PresenceEntry> entries = channels.get(channel);
    boolean removed = entries != null && entries.remove(entry);
    if (entries != null && entries.isEmpty()) {
      channels.remove(channel);
    }
    return Future.succeededFuture(new PresenceChange(channel, entry.user(), false,
        removed && connectionsOf(channel, entry.user()) == 0));
  }

  @Override
  public synchronized Future<Map<String, Integer>> users(String channel) {
    Map<String, Integer> users = new TreeMap<>();
    channels.getOrDefault(channel, Set.of()).forEach(e -> users.merge(e.user(), 1, Integer::sum));
    return Future.succeededFuture(users);
  }

  @Override
  public synchronized Future<List<PresenceChange>> removeNode(String nodeId) {
    List<PresenceChange> changes = new ArrayList<>();
    for (Map.Entry<String, Set<PresenceEntry>> channel : channels.entrySet()) {
      for (PresenceEntry entry : List.copyOf(channel.getValue())) {
        if (entry.nodeId().equals(nodeId) && channel.getValue().remove(entry)
            && connectionsOf(channel.getKey(), entry.user()) == 0) {
          changes.add(new PresenceChange(channel.getKey(), entry.user(), false, true));
        }
      }
    }
    return Future.succeededFuture(changes);
  }

  private int connectionsOf(String channel, String user) {
    return (int) channels.getOrDefault(channel, Set.of()).stream().filter(e -> e.user().equals(user)).count();
  }
}
