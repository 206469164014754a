package dev.hub.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

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
 * <p>Neither sees a member that died just now, and Hazelcast completes an append without waiting
 * for a backup it could not send: with one node killed and another silent, the survivor acked
 * appends held by it alone. So what is stored is acknowledged only once a majority answers in a
 * round that starts after the append completed ({@link MajorityRounds}).
 *
 * <p>A majority answering is not the backup answering: when only the link between an append's
 * primary and its backup is down (nodes 2 and 3 lose each other while both still reach node 1,
 * which Hazelcast does not resolve by itself), the append completes after the backup timeout, held
 * by one member, and the third node answers the round. So an append that took the backup timeout
 * is not acknowledged either ({@link #backupConfirmed}): Hazelcast answers sooner only once every
 * backup has acknowledged, and never sooner when one has not.
 */
public final class HistoryQuorum {
  /** The split-brain protection the history structures name. */
  static final String NAME = "hub-history-quorum";

  /**
   * Below the backup timeout by this much, an append counts as having waited for it: Hazelcast
   * measures the timeout with the wall clock from the primary's answer, the hub with the monotonic
   * clock from the call, which starts earlier, so the margin only guards the clocks' granularity.
   */
  private static final long BACKUP_TIMEOUT_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private static final HistoryQuorum ALWAYS =
      new HistoryQuorum(null, null, 1, null, Long.MAX_VALUE);

  private final SplitBrainProtection protection;
  private final HazelcastInstance hazelcast;
  private final int minimum;
  private final MajorityRounds rounds;
  private final long unconfirmedAfterNanos;

  private HistoryQuorum(
      SplitBrainProtection protection,
      HazelcastInstance hazelcast,
      int minimum,
      MajorityRounds rounds,
      long unconfirmedAfterNanos) {
    this.protection = protection;
    this.hazelcast = hazelcast;
    this.minimum = minimum;
    this.rounds = rounds;
    this.unconfirmedAfterNanos = unconfirmedAfterNanos;
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
    int minimum = config.getMinimumClusterSize();
    return new HistoryQuorum(
        hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(NAME),
        hazelcast,
        minimum,
        new MajorityRounds(hazelcast, minimum, heartbeatMs(hazelcast.getConfig())),
        TimeUnit.MILLISECONDS.toNanos(backupTimeoutMs(hazelcast.getConfig()))
            - BACKUP_TIMEOUT_MARGIN_NANOS);
  }

  /** True while this node sees a majority (always true without a quorum). */
  public boolean present() {
    return protection == null || (protection.hasMinimumSize() && dataMembers() >= minimum);
  }

  /** Whether acknowledging needs a majority at all: false for a cluster meant to be one node. */
  public boolean required() {
    return rounds != null;
  }

  /**
   * Whether a majority of data members answers in a round that starts after this call (see {@link
   * MajorityRounds}); completes on a Hazelcast thread. Only when {@link #required()}.
   */
  public CompletionStage<Boolean> answersFromNow() {
    return rounds.confirmFromNow();
  }

  /**
   * Whether an append that took {@code appendNanos} from its call to its answer had every backup
   * acknowledge it: Hazelcast answers an append whose backup did not acknowledge only once the
   * backup timeout has passed since the primary's answer, so a faster answer had them all. Always
   * true without a quorum (a cluster meant to be one node promises nothing about backups).
   */
  public boolean backupConfirmed(long appendNanos) {
    return appendNanos < unconfirmedAfterNanos;
  }

  /** Members that hold data, this one included: JVM services join as lite members and count for nothing. */
  private long dataMembers() {
    return hazelcast.getCluster().getMembers().stream()
        .filter(member -> !member.isLiteMember())
        .count();
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

  /** The backup timeout the member runs with: from its configuration or system properties. */
  private static long backupTimeoutMs(Config config) {
    return new HazelcastProperties(config)
        .getMillis(ClusterProperty.OPERATION_BACKUP_TIMEOUT_MILLIS);
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
