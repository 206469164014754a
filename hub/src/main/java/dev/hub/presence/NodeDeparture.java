package dev.hub.presence;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Removes the connections of a hub node that left the cluster from one entry; run on every entry
 * by each survivor. Each removal happens once, so only the survivor that made an entry empty
 * answers {@code true} (that user left); {@code null} (left out of the answer) where nothing of the
 * node was there.
 *
 * <p>A node that is a member again when this runs (it merged back, or restarted under its id) is
 * left alone: checked on each entry as it is processed, not when the survivor decided, because a
 * removal still running as the node comes back would otherwise take what the node had just written
 * again. Primary and backup check their own member lists; they can differ only while the list
 * changes, and the node re-asserts its connections after a merge anyway.
 */
final class NodeDeparture
    implements EntryProcessor<String, String[], Boolean>, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  private final String node;
  private transient HazelcastInstance hazelcast;

  NodeDeparture(String node) {
    this.node = node;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  @Override
  public Boolean process(Map.Entry<String, String[]> entry) {
    if (hazelcast != null && HubMembers.holds(hazelcast.getCluster(), node)) {
      return null;
    }
    String[] connections = UserConnections.of(entry.getValue());
    String[] rest = UserConnections.withoutNode(connections, node);
    if (rest == connections) {
      return null;
    }
    entry.setValue(rest.length == 0 ? null : rest);
    return rest.length == 0;
  }
}
