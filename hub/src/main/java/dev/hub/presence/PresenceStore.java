package dev.hub.presence;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Who is subscribed to each presence channel, cluster-wide: per user, the set of their
 * connections there. A user joins a channel when their first connection is added and leaves when
 * their last is removed; across nodes each join and each leave is reported once. Adding a
 * connection already there, or removing one that is not, changes nothing. Implementations complete
 * their futures on the caller's Vert.x context.
 */
public interface PresenceStore {

  /** Records a subscription; the change says whether it was the user's first connection there. */
  Future<PresenceChange> add(String channel, PresenceEntry entry);

  /** Forgets a subscription; the change says whether it was the user's last connection there. */
  Future<PresenceChange> remove(String channel, PresenceEntry entry);

  /** Users subscribed to the channel (an anonymous one as ""), with their number of connections. */
  Future<Map<String, Integer>> users(String channel);
}
