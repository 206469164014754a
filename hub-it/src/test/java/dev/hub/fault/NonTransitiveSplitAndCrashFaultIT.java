package dev.hub.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A non-transitive split that Hazelcast does not resolve, then one crash: nodes 2 and 3 lose each
 * other while both still reach node 1, for 15 seconds; then node 3 is killed (SIGKILL) while the
 * cut lasts, and started again after the heal. Publishers send over HTTP to all three across
 * twelve {@code ledger-*} history channels; followers on every node.
 *
 * <p>Hazelcast removes a member it stops hearing only on the master's word (its partial
 * disconnection resolution is off by default), and the master is the oldest member: node 1 when
 * the nodes start together, as in every run of this tier so far ({@code summary.txt} records the
 * member counts seen). So during the cut all three stay members; an append whose backup is across
 * the cut completes after the backup timeout, held by one member, and the majority round passes
 * (the other node answers). One crash in a cluster of three is what {@code --cluster-size 3}
 * promises to survive (docs/protocol.md section 10: an acknowledged event is held by a majority),
 * so afterwards no {@code (channel, epoch, offset)} may have been acknowledged for two events,
 * every acknowledged event must be in the history, and every follower must hold each channel's
 * events once, in order, or have been told {@code recovered: false}.
 */
class NonTransitiveSplitAndCrashFaultIT {
  /** Nodes 2 and 3 lose each other; node 1, the master when nodes start together, keeps both. */
  private static final int A = 1;

  private static final int B = 2;
  /** Crashed while the cut lasts. */
  private static final int CRASHED = B;
  /** From the cut to the crash: several backup timeouts (6 s with hub-fault.xml's heartbeat). */
  private static final Duration BEFORE_CRASH = Duration.ofSeconds(15);
  /** From the crash to the heal: the master drops the dead member within 5 s (hub-fault.xml). */
  private static final Duration AFTER_CRASH = Duration.ofSeconds(15);

  private SplitRun run;

  @Test
  void aCrashDuringASplitBetweenTwoNodesLosesNoAckedEvent() throws Exception {
    run = SplitRun.start(getClass());
    long cutAt = System.nanoTime();
    run.network().cutBetween(A, B);
    SplitRun.awaitFrom(cutAt, BEFORE_CRASH);
    long crashedAt = System.nanoTime();
    run.kill(CRASHED);
    SplitRun.awaitFrom(crashedAt, AFTER_CRASH);
    long healedAt = System.nanoTime();
    run.network().healBetween(A, B);
    run.restart(CRASHED);
    SplitRun.Recovery recovery = run.awaitRecovery(healedAt);
    SplitRun.Finish finish = run.finish(cutAt);
    String summary = String.format(
        "cut nodes 2 and 3 from each other, killed node 3 %d s later, healed %d s after that and"
            + " started node 3 again (%s); %s",
        TimeUnit.NANOSECONDS.toSeconds(crashedAt - cutAt),
        TimeUnit.NANOSECONDS.toSeconds(healedAt - crashedAt),
        recovery.describe(),
        run.describe(finish, cutAt, crashedAt, "from the cut to the crash"));
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
