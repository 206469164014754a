package dev.hub.presence;

/**
 * One connection subscribed to a presence channel.
 *
 * @param user the connection's user ({@code null} is kept as an empty string: anonymous)
 * @param connectionId the connection
 * @param nodeId the cluster member that holds the connection, so its entries can be removed when
 *     it dies
 */
public record PresenceEntry(String user, String connectionId, String nodeId) {

  /** A single string, the form kept in the cluster (no custom serializer on the members). */
  String encode() {
    return nodeId + "\n" + connectionId + "\n" + user;
  }

  static PresenceEntry decode(String value) {
    String[] parts = value.split("\n", 3);
    return new PresenceEntry(parts[2], parts[1], parts[0]);
  }
}
