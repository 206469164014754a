package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
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
  private static final int NODES = 3;
  /** Node 3, cut off: one of three, so a minority. */
  private static final int CUT_NODE = 2;

  private static final List<Integer> MAJORITY = List.of(0, 1);
  private static final int CHANNELS = 12;
  private static final int PER_SECOND = 10;
  private static final int FOLLOWERS_PER_NODE = 2;
  /** The split lasts at least this long: several of Hazelcast's member timeouts (5 s in hub-fault.xml). */
  private static final Duration CUT = Duration.ofSeconds(20);
  /**
   * After a node sees the split (its member count drops), how long its quorum check may take to
   * follow; publishes sent later are held to the minority and majority rules.
   */
  private static final Duration QUORUM_SLACK = Duration.ofSeconds(2);
  /** Bounds for the split to be seen and to heal, and for followers to catch up: generous, for a busy machine. */
  private static final Duration BOUND = Duration.ofSeconds(90);

  private final Vertx vertx = Vertx.vertx();
  private final List<Follower> followers = new ArrayList<>();
  private TestNetwork network;
  private NamespacedNodes nodes;
  private HttpPublisher publisher;

  @Test
  void aSplitGivesNoPositionToTwoEventsAndTheMinorityRefusesToNumber() throws Exception {
    Path logs =
        Files.createDirectories(Path.of("target", "process-logs", getClass().getSimpleName()));
    network = TestNetwork.create(NODES);
    nodes = new NamespacedNodes(network, NODES, logs, FaultTier.nodeFlags(logs, NODES));
    nodes.startAll();
    Endpoints endpoints = nodes.endpoints();
    List<Integer> all = IntStream.range(0, NODES).boxed().toList();
    FaultTier.awaitMembers(endpoints, all, NODES, FaultTier.START);
    List<String> channels = FaultTier.ledgers(CHANNELS);
    publisher = new HttpPublisher(endpoints);
    seed(channels);
    startFollowers(endpoints, channels);

    long began = System.nanoTime();
    for (int node = 0; node < NODES; node++) {
      publisher.publishSteadily(node, channels, PER_SECOND, "n" + (node + 1));
    }
    awaitAcksFromEveryNode(began, 3 * PER_SECOND);

    long cutAt = System.nanoTime();
    network.cut(CUT_NODE);
    long[] saw = awaitSplitSeen(endpoints);
    long minoritySaw = saw[0];
    long majoritySaw = saw[1];
    Awaitility.await("the cut lasts " + CUT)
        .atMost(CUT.plus(BOUND))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() - cutAt >= CUT.toNanos());
    long healedAt = System.nanoTime();
    network.heal(CUT_NODE);
    FaultTier.awaitMembers(endpoints, all, NODES, BOUND);
    long mergedAt = System.nanoTime();
    boolean publishedAfter = awaitAcksFromEveryNode(mergedAt, 3 * PER_SECOND);
    List<HttpPublisher.Outcome> outcomes = publisher.stop();
    Ledger.write(logs.resolve("publishes.txt"), outcomes);

    Map<String, Ledger.History> finals = Ledger.readAll(endpoints.get(0), channels, BOUND);
    Ledger.awaitFollowersAt(followers, finals, BOUND);
    Ledger.writeFollowers(logs.resolve("followers.txt"), followers);
    Ledger ledger = new Ledger(outcomes);
    Window minority = new Window(minoritySaw + QUORUM_SLACK.toNanos(), healedAt);
    Window majority = new Window(majoritySaw + QUORUM_SLACK.toNanos(), healedAt);
    String summary = String.format(
        "cut node 3 for %d s (it saw the split after %d ms, node 1 after %d ms; merged"
            + " %d ms after the heal%s); %s",
        TimeUnit.NANOSECONDS.toSeconds(healedAt - cutAt),
        TimeUnit.NANOSECONDS.toMillis(minoritySaw - cutAt),
        TimeUnit.NANOSECONDS.toMillis(majoritySaw - cutAt),
        TimeUnit.NANOSECONDS.toMillis(mergedAt - healedAt),
        publishedAfter ? "" : ", not every node acked after it",
        counts(ledger, outcomes, cutAt, healedAt));
    Files.writeString(logs.resolve("summary.txt"), summary + System.lineSeparator());

    SoftAssertions softly = new SoftAssertions();
    Map<Ledger.Position, Set<String>> twice = ledger.positionsGivenTwice();
    softly
        .assertThat(twice.size())
        .as(
            "(channel, epoch, offset) acked for two different events, of %d acks (first: %s);"
                + " %s; logs in %s",
            ledger.acks().size(), Ledger.first(twice.entrySet()), summary, logs.toAbsolutePath())
        .isZero();
    List<String> missing = ledger.ackedMissingFrom(finals, ack -> false);
    softly
        .assertThat(missing.size())
        .as("acked events missing from the majority's history (first: %s)", Ledger.first(missing))
        .isZero();
    softly
        .assertThat(Ledger.byResult(minority.of(outcomes, List.of(CUT_NODE))))
        .as(
            "publishes through node 3 once it was alone, by result (all must be refused: 503 unavailable)")
        .containsOnlyKeys("503 unavailable");
    softly
        .assertThat(Ledger.byResult(majority.of(outcomes, MAJORITY)))
        .as("publishes through nodes 1 and 2 during the split, by result (all must be acked)")
        .containsOnlyKeys("acked");
    softly
        .assertThat(ledger.problemsOf(followers, finals))
        .as("followers' problems")
        .isEmpty();
    softly.assertAll();
  }

  /** One event per channel through node 1, so that every channel has an epoch before the followers come. */
  private void seed(List<String> channels) {
    for (String channel : channels) {
      HttpPublisher.Outcome seeded =
          publisher.publish(0, channel, "seed-" + channel).join();
      assertThat(seeded.acked()).as("seeding %s: %s", channel, seeded).isTrue();
    }
  }

  private void startFollowers(Endpoints endpoints, List<String> channels) {
    List<Future<Void>> started = new ArrayList<>();
    for (int i = 0; i < NODES * FOLLOWERS_PER_NODE; i++) {
      Follower follower = new Follower(vertx, "f" + i, endpoints, channels, null, i % NODES);
      followers.add(follower);
      started.add(follower.start());
    }
    try {
      Future.all(started).await(FaultTier.START.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the followers did not all subscribe", e);
    }
  }

  /** Waits until every node has acked {@code count} publishes sent after {@code since}; false if that did not come. */
  private boolean awaitAcksFromEveryNode(long since, int count) {
    try {
      Awaitility.await(count + " acks from every node")
          .atMost(BOUND)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> IntStream.range(0, NODES)
              .allMatch(node -> publisher.outcomes().stream()
                      .filter(o -> o.node() == node && o.sentNanos() >= since && o.acked())
                      .count()
                  >= count));
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
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
        .atMost(BOUND)
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

  private static String counts(
      Ledger ledger, List<HttpPublisher.Outcome> outcomes, long cutAt, long healedAt) {
    long byCutNode =
        new Window(cutAt, healedAt).of(ledger.acks(), List.of(CUT_NODE)).size();
    return String.format(
        "%d publishes, %d acked (by node: %s), %d of them by node 3 while cut off",
        outcomes.size(),
        ledger.acks().size(),
        ledger.acks().stream()
            .collect(Collectors.groupingBy(o -> o.node() + 1, TreeMap::new, Collectors.counting())),
        byCutNode);
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      Future.join(followers.stream().map(Follower::close).toList()).await(10, TimeUnit.SECONDS);
      if (publisher != null) {
        publisher.close();
      }
    } finally {
      try {
        if (nodes != null) {
          nodes.close();
        }
      } finally {
        if (network != null) {
          network.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
