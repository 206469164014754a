package dev.hub.fault;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A network split, as reproduced on the first clustered build: three nodes, each in a network
 * namespace of its own ({@link TestNetwork}), publishers sending over HTTP to all three at 10
 * events a second each across twelve {@code ledger-*} history channels, followers on every node,
 * and node 3's cluster link cut for 20 seconds while its clients stay connected, then restored.
 *
 * <p>What docs/protocol.md section 10 promises with {@code --cluster-size 3}: once node 3 sees it
 * is alone it refuses history publishes with 503 {@code unavailable}; the majority goes on
 * numbering; after the merge no {@code (channel, epoch, offset)} was acknowledged for two
 * different events, every acknowledged event is in the majority's history, and every follower
 * holds each channel's events once, in order, from its first subscription or from the last
 * {@code recovered: false} it was told of.
 */
class NetworkPartitionFaultIT {
  private static final int NODES = SplitRun.NODES;
  /** Node 3, cut off: one of three, so a minority. */
  private static final int CUT_NODE = 2;

  private static final List<Integer> MAJORITY = List.of(0, 1);
  /** The split lasts at least this long: several of Hazelcast's member timeouts (5 s in hub-fault.xml). */
  private static final Duration CUT = Duration.ofSeconds(20);
  /**
   * After a node sees the split (its member count drops), how long its quorum check may take to
   * follow; publishes sent later are held to the minority and majority rules.
   */
  private static final Duration QUORUM_SLACK = Duration.ofSeconds(2);

  private SplitRun run;

  @Test
  void aSplitGivesNoPositionToTwoEventsAndTheMinorityRefusesToNumber() throws Exception {
    run = SplitRun.start(getClass());
    long cutAt = System.nanoTime();
    run.network().cut(CUT_NODE);
    long[] saw = awaitSplitSeen(run.endpoints());
    long minoritySaw = saw[0];
    long majoritySaw = saw[1];
    SplitRun.awaitFrom(cutAt, CUT);
    long healedAt = System.nanoTime();
    run.network().heal(CUT_NODE);
    SplitRun.Recovery recovery = run.awaitRecovery(healedAt);
    SplitRun.Finish finish = run.finish(cutAt);
    List<HttpPublisher.Outcome> outcomes = finish.outcomes();
    Window minority = new Window(minoritySaw + QUORUM_SLACK.toNanos(), healedAt);
    Window majority = new Window(majoritySaw + QUORUM_SLACK.toNanos(), healedAt);
    String summary = String.format(
        "cut node 3 for %d s (it saw the split after %d ms, node 1 after %d ms; %s); %d acked by"
            + " node 3 while cut off; %s",
        TimeUnit.NANOSECONDS.toSeconds(healedAt - cutAt),
        TimeUnit.NANOSECONDS.toMillis(minoritySaw - cutAt),
        TimeUnit.NANOSECONDS.toMillis(majoritySaw - cutAt),
        recovery.describe(),
        new Window(cutAt, healedAt)
            .of(finish.ledger().acks(), List.of(CUT_NODE))
            .size(),
        run.describe(finish, cutAt, healedAt, "during the cut"));
    run.writeSummary(summary);

    SoftAssertions softly = new SoftAssertions();
    run.checkLedger(softly, finish, summary);
    softly
        .assertThat(Ledger.byResult(minority.of(outcomes, List.of(CUT_NODE))))
        .as(
            "publishes through node 3 once it was alone, by result (all must be refused: 503 unavailable)")
        .containsOnlyKeys("503 unavailable");
    softly
        .assertThat(Ledger.byResult(majority.of(outcomes, MAJORITY)))
        .as("publishes through nodes 1 and 2 during the split, by result (all must be acked)")
        .containsOnlyKeys("acked");
    recovery.checkServesAgain(softly, summary);
    softly.assertAll();
  }

  /**
   * Waits until node 3 and node 1 each show the split ({@link Http#seesSplit}); returns when each
   * first did (a little late: a node asked for its stats during a split waits up to 2 s for the
   * members it cannot reach).
   */
  private static long[] awaitSplitSeen(Endpoints endpoints) {
    long[] saw = new long[2];
    int[] nodes = {CUT_NODE, MAJORITY.get(0)};
    Awaitility.await("nodes 3 and 1 see the split")
        .atMost(SplitRun.BOUND)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          for (int i = 0; i < nodes.length; i++) {
            if (saw[i] == 0 && Http.seesSplit(endpoints.get(nodes[i]), NODES)) {
              saw[i] = System.nanoTime();
            }
          }
          return saw[0] != 0 && saw[1] != 0;
        });
    return saw;
  }

  /** Publishes sent in a stretch of time. */
  private record Window(long from, long to) {
    List<HttpPublisher.Outcome> of(List<HttpPublisher.Outcome> outcomes, List<Integer> nodes) {
      return outcomes.stream()
          .filter(o -> nodes.contains(o.node()) && o.sentNanos() >= from && o.sentNanos() < to)
          .toList();
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (run != null) {
      run.close();
    }
  }
}
