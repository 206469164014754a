package dev.hub.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A non-transitive split: three nodes in network namespaces of their own ({@link TestNetwork}),
 * publishers sending over HTTP to all three across twelve {@code ledger-*} history channels,
 * followers on every node, and the cluster link between nodes 1 and 3 cut for 25 seconds in both
 * directions while each still reaches node 2, then restored.
 *
 * <p>No side is a minority here: node 2 answers both, so each node's majority check may keep
 * passing while a history append's primary and backup sit on the two sides of the cut, until
 * Hazelcast removes a member. Which member it removes, and when, is its choice (only the master
 * removes members; with nodes started together that has been node 1, which then drops node 3 at
 * its heartbeat timeout) and is only recorded ({@code summary.txt}); the split between the two
 * members the master still hears is {@link NonTransitiveSplitAndCrashFaultIT}'s. What
 * docs/protocol.md sections 4 and 10
 * promise must hold all the same: no {@code (channel, epoch, offset)} acknowledged for two
 * different events, every acknowledged event in the final history, every follower holding each
 * channel's events once, in order, from its first subscription or from the last
 * {@code recovered: false} it was told of, and a cluster that serves again once the link is back.
 */
class NonTransitivePartitionFaultIT {
  /** Nodes 1 and 3 lose each other; node 2 keeps both. */
  private static final int A = 0;

  private static final int B = 2;
  /** Several of Hazelcast's member timeouts (5 s in hub-fault.xml), so that it must decide. */
  private static final Duration CUT = Duration.ofSeconds(25);

  private SplitRun run;

  @Test
  void aSplitBetweenTwoNodesGivesNoPositionToTwoEvents() throws Exception {
    run = SplitRun.start(getClass());
    long cutAt = System.nanoTime();
    run.network().cutBetween(A, B);
    SplitRun.awaitFrom(cutAt, CUT);
    long healedAt = System.nanoTime();
    run.network().healBetween(A, B);
    SplitRun.Recovery recovery = run.awaitRecovery(healedAt);
    SplitRun.Finish finish = run.finish(cutAt);
    String summary = String.format(
        "cut nodes 1 and 3 from each other for %d s (%s); %s",
        TimeUnit.NANOSECONDS.toSeconds(healedAt - cutAt),
        recovery.describe(),
        run.describe(finish, cutAt, healedAt, "during the cut"));
    run.writeSummary(summary);

    SoftAssertions softly = new SoftAssertions();
    run.checkLedger(softly, finish, summary);
    recovery.checkServesAgain(softly, summary);
    softly.assertAll();
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (run != null) {
      run.close();
    }
  }
}
