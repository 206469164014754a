package dev.hub.cluster;

/**
 * Who a node is, under the two ids it goes by. Each has one name, used the same way everywhere:
 *
 * <ul>
 *   <li>{@code nodeId}, the hub's own id ({@code --node-id}): in {@code connected} frames, presence
 *       entries and log lines, the {@code node} of {@code /api/stats}, and the Hazelcast member
 *       attribute by which members tell hub nodes apart. The operator chooses it; it is unique in
 *       the cluster.
 *   <li>{@code busMemberId}, the id the Vert.x cluster manager gives this node's member (Vert.x
 *       calls it the node id): the event bus reaches the node's own addresses by it
 *       ({@code hub.stats.}, {@code hub.channels.}, {@code hub.probe.} + this id), the cluster manager
 *       lists the members by it, and {@code /api/stats} reports it as {@code member}. vertx-hazelcast
 *       draws it at random when the member joins and keeps it in a member attribute, so it stays
 *       the same when the member merges back after a split.
 * </ul>
 *
 * <p>The Hazelcast member uuid is neither: Hazelcast gives a member a new one when it merges back,
 * and the hub never finds a node by it (presence names it only in log lines, as "Hazelcast member").
 *
 * @param nodeId the hub's own id
 * @param busMemberId the Vert.x cluster manager's id of this member; the {@code nodeId} on a Vert.x
 *     that is not clustered, which has no cluster manager and answers on its addresses for itself
 */
public record NodeIdentity(String nodeId, String busMemberId) {}
