package dev.hub.presence;

import com.hazelcast.query.Predicate;
import java.util.Map;

/** Presence entries holding at least one connection of this hub node. */
record HeldByNode(String node) implements Predicate<String, String[]> {

  @Override
  public boolean apply(Map.Entry<String, String[]> entry) {
    return !UserConnections.ofNode(UserConnections.of(entry.getValue()), node).isEmpty();
  }
}
