package dev.hub.presence;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Presence for a node that is not clustered: the same rules in this process's memory. Sessions of
 * several event loops share it, hence the lock; every call is short.
 */
public final class LocalPresenceStore implements PresenceStore {
  /** channel → user → that user's connections there. */
  private final Map<String, Map<String, Set<String>>> channels = new HashMap<>();

  @Override
  public synchronized Future<PresenceChange> add(String channel, PresenceEntry entry) {
    Set<String> connections = channels
        .computeIfAbsent(channel, c -> new HashMap<>())
        .computeIfAbsent(entry.user(), u -> new LinkedHashSet<>());
    boolean first = connections.isEmpty();
    boolean added = connections.add(entry.connectionId());
    return Future.succeededFuture(PresenceChange.joined(channel, entry.user(), first && added));
  }

  @Override
  public synchronized Future<PresenceChange> remove(String channel, PresenceEntry entry) {
    Map<String, Set<String>> users = channels.get(channel);
    Set<String> connections = users == null ? null : users.get(entry.user());
    boolean last =
        connections != null && connections.remove(entry.connectionId()) && connections.isEmpty();
    if (last) {
      users.remove(entry.user());
      if (users.isEmpty()) {
        channels.remove(channel);
      }
    }
    return Future.succeededFuture(PresenceChange.left(channel, entry.user(), last));
  }

  @Override
  public synchronized Future<Map<String, Integer>> users(String channel) {
    Map<String, Integer> users = new TreeMap<>();
    channels
        .getOrDefault(channel, Map.of())
        .forEach((user, connections) -> users.put(user, connections.size()));
    return Future.succeededFuture(users);
  }
}
