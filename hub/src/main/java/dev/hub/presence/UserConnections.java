package dev.hub.presence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value of a presence entry: the connections one user has on one channel, as a flat array of
 * pairs {@code [node, connection, node, connection, ...]}. A plain {@code String[]} because
 * Hazelcast stores it with a serializer of its own: the stored data carries no hub class, only the
 * processors that change it do. A user has few connections on a channel (the per-user connection
 * limit of each node), so the linear scans stay short.
 */
final class UserConnections {
  static final String[] NONE = new String[0];

  private UserConnections() {}

  static String[] of(String[] value) {
    return value == null ? NONE : value;
  }

  static int count(String[] connections) {
    return connections.length / 2;
  }

  static boolean contains(String[] connections, String node, String connection) {
    return indexOf(connections, node, connection) >= 0;
  }

  static String[] with(String[] connections, String node, String connection) {
    String[] grown = Arrays.copyOf(connections, connections.length + 2);
    grown[connections.length] = node;
    grown[connections.length + 1] = connection;
    return grown;
  }

  static String[] without(String[] connections, String node, String connection) {
    int at = indexOf(connections, node, connection);
    if (at < 0) {
      return connections;
    }
    String[] shrunk = new String[connections.length - 2];
    System.arraycopy(connections, 0, shrunk, 0, at);
    System.arraycopy(connections, at + 2, shrunk, at, connections.length - at - 2);
    return shrunk;
  }

  /** The connections left once every one of {@code node} is gone. */
  static String[] withoutNode(String[] connections, String node) {
    List<String> kept = new ArrayList<>(connections.length);
    for (int i = 0; i < connections.length; i += 2) {
      if (!connections[i].equals(node)) {
        kept.add(connections[i]);
        kept.add(connections[i + 1]);
      }
    }
    return kept.size() == connections.length ? connections : kept.toArray(NONE);
  }

  /** The ids of {@code node}'s connections. */
  static List<String> ofNode(String[] connections, String node) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < connections.length; i += 2) {
      if (connections[i].equals(node)) {
        ids.add(connections[i + 1]);
      }
    }
    return ids;
  }

  private static int indexOf(String[] connections, String node, String connection) {
    for (int i = 0; i < connections.length; i += 2) {
      if (connections[i].equals(node) && connections[i + 1].equals(connection)) {
        return i;
      }
    }
    return -1;
  }
}
