package dev.hub.presence;

/**
 * One connection subscribed to a presence channel.
 *
 * @param user the connection's user ({@code null} is kept as an empty string: anonymous)
 * @param connectionId the connection
 * @param nodeId the hub node ({@code --node-id}) that holds the connection, so its entries can be
 *     removed when it leaves the cluster; a node keeps its id through a split and a merge, where
 *     its Hazelcast member uuid changes
 */
public record PresenceEntry(String user, String connectionId, String nodeId) {}
