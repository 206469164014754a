package dev.hub.presence;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.hub.config.ConfigException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster's presence true as members come and go:
 * <ul>
 *   <li>a node whose id another member already has does not start (its entries would be theirs);
 *   <li>when a hub member leaves, every survivor removes its node's connections, each removal
 *       happening once, and announces the leaves; not if a member with that id is (again) there;
 *   <li>when this node merges back after a split, the other side's copy has won (its members
 *       removed this node's connections when it was split off): it writes its live connections
 *       again, announcing the joins, and removes what it no longer holds;
 *   <li>a member that holds data but is no hub node (a service that is not a lite member) is
 *       logged as an error and counted: the presence processors cannot run on its partitions.
 * </ul>
 */
public final class PresenceRecovery {
  private static final Logger log = LoggerFactory.getLogger(PresenceRecovery.class);
  /** How long after a merge this node waits before writing its presence again; see {@link #listen}. */
  private static final long MERGE_SETTLE_MS = 1_000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final HazelcastPresenceStore store;
  private final String nodeId;
  private final PresenceEvents events;
  /** The context the recovery runs its work on, from {@link #start()}; read on Hazelcast's event threads. */
  private volatile Context context;

  private UUID membershipListener;
  private UUID lifecycleListener;

  /** Does nothing until {@link #start()}; {@link #foreignDataMembers()} may be read before. */
  public PresenceRecovery(
      Vertx vertx,
      HazelcastInstance hazelcast,
      HazelcastPresenceStore store,
      String nodeId,
      PresenceEvents events) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.store = store;
    this.nodeId = nodeId;
    this.events = events;
  }

  /**
   * Checks this node's identity in the cluster, starts watching members, and removes what an
   * earlier run under the same id left behind.
   *
   * @return fails with a {@link ConfigException} when another member has this node's id, or when
   *     the member was not configured for a hub node ({@link HazelcastPresenceStore#configure})
   */
  public Future<Void> start() {
    Member self = hazelcast.getCluster().getLocalMember();
    if (!nodeId.equals(HubMembers.nodeId(self))) {
      return Future.failedFuture(new ConfigException(
          "the cluster member of node " + nodeId + " does not carry its id" + " (member attribute "
              + HubMembers.NODE_ATTRIBUTE + "): start clustered nodes with HubNode.start"));
    }
    Optional<Member> twin = hazelcast.getCluster().getMembers().stream()
        .filter(member -> !member.localMember() && nodeId.equals(HubMembers.nodeId(member)))
        .findFirst();
    if (twin.isPresent()) {
      return Future.failedFuture(
          new ConfigException("node id " + nodeId + " is already used by cluster member "
              + twin.get().getAddress() + ": give every node its own --node-id (HUB_NODE_ID)"));
    }
    context = vertx.getOrCreateContext();
    listen();
    hazelcast.getCluster().getMembers().forEach(this::reportIfForeign);
    // Survivors skip a departed node's entries when a member with its id is back by then: a node
    // restarted under the same id clears them itself.
    return announce(store.dropStale(nodeId), "connections left by an earlier run");
  }

  private void listen() {
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        reportIfForeign(event.getMember());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        departed(event.getMember());
      }
    });
    lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        // Vert.x refreshes its own view of the cluster on this same event (vertx-hazelcast forgets
        // the event-bus registrations it cached while split), in an order Hazelcast does not
        // define: joins announced before that would go only where the split side's view reaches.
        context.runOnContext(v -> context.owner().setTimer(MERGE_SETTLE_MS, id -> merged()));
      }
    });
  }

  private void departed(Member member) {
    String departed = HubMembers.nodeId(member);
    if (departed == null) {
      return;
    }
    if (HubMembers.holds(hazelcast.getCluster(), departed)) {
      log.info(
          "Hazelcast member {} of node {} left, but node {} is a member again: its presence stays",
          member.getUuid(),
          departed,
          departed);
      return;
    }
    context.runOnContext(
        v -> announce(store.removeNode(departed), "presence of departed node " + departed));
  }

  private void merged() {
    log.warn(
        "node {} merged back into the cluster after a split: writing its presence again", nodeId);
    announce(store.reassert(), "presence re-asserted after a merge")
        .compose(v -> announce(store.dropStale(nodeId), "presence closed during the split"));
  }

  /** Announces the changes; a failure is logged (and the step reported done), not passed on. */
  private Future<Void> announce(Future<List<PresenceChange>> changes, String what) {
    return changes
        .<Void>map(all -> {
          all.forEach(events::announce);
          log.debug("{}: {}", what, all);
          return null;
        })
        .recover(e -> {
          log.warn("{} not updated: {}", what, e.toString());
          return Future.succeededFuture();
        });
  }

  private void reportIfForeign(Member member) {
    if (HubMembers.isForeignDataMember(member)) {
      log.error(
          "cluster member {} holds data but is not a hub node: presence updates on its partitions fail."
              + " Start JVM services as Hazelcast lite members (Config.setLiteMember(true))",
          member.getAddress());
    }
  }

  /** Members that hold data but are not hub nodes; 0 in a healthy cluster. */
  public int foreignDataMembers() {
    try {
      return (int) hazelcast.getCluster().getMembers().stream()
          .filter(HubMembers::isForeignDataMember)
          .count();
    } catch (RuntimeException notRunning) {
      return 0;
    }
  }

  /** Stops watching the cluster; a node that leaves it has nothing more to clean up. */
  public void stop() {
    if (membershipListener == null) {
      return;
    }
    try {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
      hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
    } catch (RuntimeException notRunning) {
      // Hazelcast already stopped: its listeners went with it.
    }
  }
}
