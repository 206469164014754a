package dev.hub.presence;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;

/**
 * How a Hazelcast member says which hub node it is: the member attribute {@value #NODE_ATTRIBUTE}
 * holds the node id ({@code --node-id}). Presence is keyed by that id, which a node keeps through a
 * merge after a network split (Hazelcast gives the member a new uuid then), so survivors can tell
 * whose entries a departed member held.
 */
final class HubMembers {
  /** The member attribute holding the hub node id; members without it are not hub nodes. */
  static final String NODE_ATTRIBUTE = "hub.node";

  private HubMembers() {}

  /** The hub node id of a member, or null for a member that is not a hub node (a service). */
  static String nodeId(Member member) {
    return member.getAttribute(NODE_ATTRIBUTE);
  }

  /** True when a current member of the cluster is the hub node with this id. */
  static boolean holds(Cluster cluster, String nodeId) {
    return cluster.getMembers().stream().anyMatch(member -> nodeId.equals(nodeId(member)));
  }

  /**
   * A member that holds data but is no hub node: it owns partitions of the presence map without
   * the hub's classes, so presence updates on those partitions fail. Services must be lite members.
   */
  static boolean isForeignDataMember(Member member) {
    return !member.isLiteMember() && nodeId(member) == null;
  }
}
