package dev.hub.presence;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Adds or removes one connection in a user's presence entry for a channel. It runs on the entry's
 * partition, one update after another, so when one user subscribes (or leaves) on two nodes at once
 * exactly one of them sees the first connection arrive (or the last go). Deterministic, so the
 * backup replica applies the same processor and ends with the same value.
 *
 * @param add true to add the connection: answers whether it was the user's first there; false to
 *     remove it: answers whether it was the last (the entry is then deleted)
 */
record ConnectionUpdate(String node, String connection, boolean add)
    implements EntryProcessor<String, String[], Boolean> {

  @Override
  public Boolean process(Map.Entry<String, String[]> entry) {
    String[] connections = UserConnections.of(entry.getValue());
    boolean present = UserConnections.contains(connections, node, connection);
    if (add) {
      if (present) {
        return false;
      }
      entry.setValue(UserConnections.with(connections, node, connection));
      return connections.length == 0;
    }
    if (!present) {
      return false;
    }
    String[] rest = UserConnections.without(connections, node, connection);
    entry.setValue(rest.length == 0 ? null : rest);
    return rest.length == 0;
  }
}
