package dev.hub.presence;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Who is subscribed to each presence channel, cluster-wide. Implementations complete their futures
 * on the caller's Vert.x context.
 */
public interface PresenceStore {

  /** Records a subscription; the change says whether it was the user's first connection there. */
  Future<PresenceChange> add(String channel, PresenceEntry entry);

  /** Forgets a subscription; the change says whether it was the user's last connection there. */
  Future<PresenceChange> remove(String channel, PresenceEntry entry);

  /** Users subscribed to the channel, with their number of connections. */
  Future<Map<String, Integer>> users(String channel);

  /**
   * Forgets every entry of a node that left the cluster.
   *
   * @return the users that left a channel because of it
   */
  Future<List<PresenceChange>> removeNode(String nodeId);
}
