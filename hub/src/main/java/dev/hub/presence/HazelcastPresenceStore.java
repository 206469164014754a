package dev.hub.presence;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.PartitioningStrategyConfig;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.strategy.StringPartitioningStrategy;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence in a Hazelcast map with one entry per user per channel ({@link PresenceKey}), holding
 * that user's connections there ({@link UserConnections}), changed only by entry processors: the
 * partition decides each join and leave once. Every call is asynchronous and completes on the
 * caller's context; only the scans that follow a member's departure or a merge run on a worker,
 * because Hazelcast has no asynchronous form of them.
 *
 * <p>The store also remembers which connections this node has recorded, so that it can write them
 * again after a merge ({@link #reassert}) and remove what is recorded under its node id but is no
 * longer live here ({@link #dropStale}).
 */
public final class HazelcastPresenceStore implements PresenceStore {
  static final String MAP = "hub.presence";
  static final String EXECUTOR = "hub.presence";
  /** Listings waiting for the executor on one member; more are refused rather than queued without bound. */
  private static final int EXECUTOR_QUEUE = 10_000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String[]> map;
  private final Set<Live> live = ConcurrentHashMap.newKeySet();

  /** A connection this node has recorded in a channel's presence and not yet removed. */
  private record Live(String channel, PresenceEntry entry) {}

  public HazelcastPresenceStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(MAP);
  }

  /**
   * Writes the presence map's settings into a member's configuration, and the member attribute
   * naming the hub node. Every hub member must have the same settings: they decide which partition
   * holds an entry, and which copy survives a merge after a split (the larger side's; each node of
   * the smaller side then writes its own connections again).
   */
  public static void configure(Config config, String nodeId) {
    config.getMemberAttributeConfig().setAttribute(HubMembers.NODE_ATTRIBUTE, nodeId);
    MapConfig presence = config.getMapConfig(MAP);
    presence.setPartitioningStrategyConfig(
        new PartitioningStrategyConfig(StringPartitioningStrategy.class.getName()));
    presence.setMergePolicyConfig(new MergePolicyConfig(
        DiscardMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
    config.getExecutorConfig(EXECUTOR).setQueueCapacity(EXECUTOR_QUEUE);
  }

  @Override
  public Future<PresenceChange> add(String channel, PresenceEntry entry) {
    live.add(new Live(channel, entry));
    return update(channel, entry, true)
        .map(joined -> PresenceChange.joined(channel, entry.user(), joined));
  }

  @Override
  public Future<PresenceChange> remove(String channel, PresenceEntry entry) {
    live.remove(new Live(channel, entry));
    return update(channel, entry, false)
        .map(left -> PresenceChange.left(channel, entry.user(), left));
  }

  @Override
  public Future<Map<String, Integer>> users(String channel) {
    CompletableFuture<TreeMap<String, Integer>> users = new CompletableFuture<>();
    hazelcast
        .getExecutorService(EXECUTOR)
        .submitToKeyOwner(new ChannelUsers(channel), channel, new ExecutionCallback<>() {
          @Override
          public void onResponse(TreeMap<String, Integer> response) {
            users.complete(response);
          }

          @Override
          public void onFailure(Throwable t) {
            users.completeExceptionally(t);
          }
        });
    return onCaller(users).map(found -> found);
  }

  private Future<Boolean> update(String channel, PresenceEntry entry, boolean add) {
    ConnectionUpdate update = new ConnectionUpdate(entry.nodeId(), entry.connectionId(), add);
    return onCaller(map.submitToKey(PresenceKey.of(channel, entry.user()), update));
  }

  private <T> Future<T> onCaller(CompletionStage<T> stage) {
    Context caller = vertx.getOrCreateContext();
    return Future.fromCompletionStage(stage, caller);
  }

  /**
   * Removes every connection of a hub node that left the cluster, unless a member with its id is
   * (again) in the cluster when an entry is processed. Each survivor may call it; each removal
   * happens once.
   *
   * @return the users that left a channel because of it
   */
  Future<List<PresenceChange>> removeNode(String nodeId) {
    return vertx
        .executeBlocking(() -> map.executeOnEntries(new NodeDeparture(nodeId)), false)
        .map(results -> {
          List<PresenceChange> changes = new ArrayList<>();
          results.forEach((key, left) -> {
            if (left) {
              changes.add(
                  PresenceChange.left(PresenceKey.channel(key), PresenceKey.user(key), true));
            }
          });
          return changes;
        });
  }

  /**
   * Writes every live connection of this node again: after a merge, the other side's copy of the
   * map won, and it may lack them (its members removed this node when it was split off). A
   * connection that closed meanwhile is removed again, so none is left behind.
   *
   * @return the users that joined (and any that left again)
   */
  Future<List<PresenceChange>> reassert() {
    List<Future<PresenceChange>> changes = new ArrayList<>();
    for (Live connection : List.copyOf(live)) {
      changes.add(reassert(connection));
    }
    return Future.all(changes).map(all -> all.<PresenceChange>list());
  }

  private Future<PresenceChange> reassert(Live connection) {
    String channel = connection.channel();
    PresenceEntry entry = connection.entry();
    return update(channel, entry, true).compose(joined -> {
      if (live.contains(connection)) {
        return Future.succeededFuture(PresenceChange.joined(channel, entry.user(), joined));
      }
      // Closed while it was being written: its own removal may have come first.
      return update(channel, entry, false)
          .map(left -> new PresenceChange(channel, entry.user(), joined, left));
    });
  }

  /**
   * Removes the connections recorded under this node's id that are not live here: those of an
   * earlier run under the same id, or those that closed on this side of a split while the other
   * side's copy (which won the merge) still had them.
   *
   * @return the users that left a channel because of it
   */
  Future<List<PresenceChange>> dropStale(String nodeId) {
    return vertx
        .executeBlocking(() -> map.entrySet(new HeldByNode(nodeId)), false)
        .compose(entries -> {
          // Read after the query: a connection found there and live now is kept; one that closed is
          // not.
          List<Future<PresenceChange>> changes = new ArrayList<>();
          for (Map.Entry<String, String[]> held : entries) {
            String channel = PresenceKey.channel(held.getKey());
            String user = PresenceKey.user(held.getKey());
            for (String connection : UserConnections.ofNode(held.getValue(), nodeId)) {
              PresenceEntry entry = new PresenceEntry(user, connection, nodeId);
              if (!live.contains(new Live(channel, entry))) {
                changes.add(update(channel, entry, false)
                    .map(left -> PresenceChange.left(channel, user, left)));
              }
            }
          }
          return Future.all(changes).map(all -> all.<PresenceChange>list());
        });
  }
}
