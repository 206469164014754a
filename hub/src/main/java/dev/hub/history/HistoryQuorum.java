package dev.hub.history;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether this node may serve and number history now: it sees a majority of the nodes the cluster
 * is meant to have (docs/protocol.md section 10). Backed by Hazelcast's split-brain protection in
 * its "recently active" form, which counts only members heard from within a few heartbeats, so a
 * node cut off from the others learns it within seconds rather than at the member timeout.
 *
 * <p>Hazelcast re-evaluates that protection on its own schedule, a moment after the member list
 * changes, and an append that lands on a partition promoted just after members died can complete
 * within that moment (it has no backup left to wait for). So the current member list is counted as
 * well: fewer data members than the majority, and nothing is numbered, whatever the cached verdict.
 *
 * <p>Neither sees a member that died just now: when two of three die together, Hazelcast drops
 * one, promotes its partitions onto the survivor with no live backup, and for up to the protection's
 * tolerance still lists the other as a member heard from recently. An append completed then is held
 * by the survivor alone. So for that long after any member leaves, the list is not trusted: before
 * acknowledging, the node asks the other data members to answer ({@link #majorityAnswers}), and
 * only a majority that answers lets it acknowledge. Outside those windows nothing is asked.
 */
public final class HistoryQuorum {
  /** The split-brain protection the history structures name. */
  static final String NAME = "hub-history-quorum";

  /** The executor that carries {@link Alive}; Hazelcast's defaults (a small pool per member) suffice. */
  private static final String PING_EXECUTOR = "hub-history-quorum";

  private static final HistoryQuorum ALWAYS = new HistoryQuorum(null, null, 1, 0, 0);

  private final SplitBrainProtection protection;
  private final HazelcastInstance hazelcast;
  private final int minimum;
  private final long settleNanos;
  private final long pingMs;
  /** {@link System#nanoTime()} until which the member list is not trusted; in the past when settled. */
  private volatile long unsettledUntil = System.nanoTime();

  private HistoryQuorum(
      SplitBrainProtection protection,
      HazelcastInstance hazelcast,
      int minimum,
      long settleMs,
      long pingMs) {
    this.protection = protection;
    this.hazelcast = hazelcast;
    this.minimum = minimum;
    this.settleNanos = TimeUnit.MILLISECONDS.toNanos(settleMs);
    this.pingMs = pingMs;
  }

  /** No majority needed: a cluster meant to be one node, or a node without a cluster. */
  public static HistoryQuorum always() {
    return ALWAYS;
  }

  /** The quorum configured on this member by {@link #configure}, or {@link #always()} when none is. */
  public static HistoryQuorum of(HazelcastInstance hazelcast) {
    SplitBrainProtectionConfig config = hazelcast.getConfig().getSplitBrainProtectionConfig(NAME);
    if (config == null || !config.isEnabled()) {
      return ALWAYS;
    }
    long heartbeatMs = heartbeatMs(hazelcast.getConfig());
    HistoryQuorum quorum = new HistoryQuorum(
        hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(NAME),
        hazelcast,
        config.getMinimumClusterSize(),
        toleranceMs(heartbeatMs) + heartbeatMs,
        heartbeatMs);
    hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
      @Override
      public void memberRemoved(MembershipEvent event) {
        quorum.unsettledUntil = System.nanoTime() + quorum.settleNanos;
      }
    });
    return quorum;
  }

  /** True while this node sees a majority (always true without a quorum). */
  public boolean present() {
    return protection == null || (protection.hasMinimumSize() && dataMembers() >= minimum);
  }

  /**
   * True for a while after a member left (see the class comment): the member list may still hold
   * members that died with it, so what it says is to be confirmed by {@link #majorityAnswers}.
   */
  public boolean unsettled() {
    return protection != null && System.nanoTime() - unsettledUntil < 0;
  }

  /**
   * Whether a majority of the cluster's data members, this one included, answer within a
   * heartbeat interval now: a member that died or went silent does not. Completes on a Hazelcast
   * thread.
   */
  public CompletionStage<Boolean> majorityAnswers() {
    Member self = hazelcast.getCluster().getLocalMember();
    List<Member> others = hazelcast.getCluster().getMembers().stream()
        .filter(member -> !member.isLiteMember() && !member.equals(self))
        .toList();
    if (others.size() + 1 < minimum) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> verdict = new CompletableFuture<>();
    AtomicInteger answered = new AtomicInteger(1);
    AtomicInteger pending = new AtomicInteger(others.size());
    ExecutionCallback<Boolean> count = new ExecutionCallback<>() {
      @Override
      public void onResponse(Boolean alive) {
        if (answered.incrementAndGet() >= minimum) {
          verdict.complete(true);
        }
        onFailure(null);
      }

      @Override
      public void onFailure(Throwable t) {
        if (pending.decrementAndGet() == 0) {
          verdict.complete(answered.get() >= minimum);
        }
      }
    };
    for (Member member : others) {
      hazelcast.getExecutorService(PING_EXECUTOR).submitToMember(new Alive(), member, count);
    }
    return verdict.completeOnTimeout(false, pingMs, TimeUnit.MILLISECONDS);
  }

  /** Members that hold data, this one included: JVM services join as lite members and count for nothing. */
  private long dataMembers() {
    return hazelcast.getCluster().getMembers().stream()
        .filter(member -> !member.isLiteMember())
        .count();
  }

  /** Answered by a member that is alive: the answer is the proof. */
  private static final class Alive implements Callable<Boolean>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call() {
      return true;
    }
  }

  /**
   * Adds the split-brain protection for a cluster meant to have {@code clusterSize} nodes and tunes
   * the timing it relies on; call before the member starts. Nothing for a size of 1.
   *
   * <p>An append whose backup cannot be reached still completes, after the backup timeout, on the
   * member that holds it: the hub refuses to acknowledge it if by then the majority is no longer
   * seen (see {@link HazelcastHistoryStore}). That check is sound only if the timeout is longer than
   * the time the protection takes to notice a silent majority: the heartbeat tolerance plus one
   * re-evaluation (Hazelcast re-evaluates once per heartbeat interval).
   */
  static void configure(Config config, int clusterSize) {
    if (clusterSize <= 1) {
      return;
    }
    long heartbeatMs = heartbeatMs(config);
    long toleranceMs = toleranceMs(heartbeatMs);
    long backupTimeoutMs = Math.max(
        Long.parseLong(property(config, "hazelcast.operation.backup.timeout.millis", "5000")),
        toleranceMs + heartbeatMs + 2000);
    config.setProperty("hazelcast.operation.backup.timeout.millis", Long.toString(backupTimeoutMs));
    config.addSplitBrainProtectionConfig(
        SplitBrainProtectionConfig.newRecentlyActiveSplitBrainProtectionConfigBuilder(
                NAME, clusterSize / 2 + 1, (int) toleranceMs)
            .enabled(true)
            .build());
  }

  /** Backups each history structure keeps so that a majority always holds every acknowledged event. */
  static int backupCount(int clusterSize) {
    // size/2 + 1 replicas: more than any minority can hold, so one is always on the majority side.
    return Math.min(6, Math.max(1, clusterSize / 2));
  }

  private static long heartbeatMs(Config config) {
    return 1000L * Long.parseLong(property(config, "hazelcast.heartbeat.interval.seconds", "5"));
  }

  /** How long the protection counts a silent member as present: two heartbeats and a second. */
  private static long toleranceMs(long heartbeatMs) {
    return 2 * heartbeatMs + 1000;
  }

  private static String property(Config config, String name, String fallback) {
    String value = config.getProperty(name);
    return value == null ? fallback : value.trim();
  }
}
