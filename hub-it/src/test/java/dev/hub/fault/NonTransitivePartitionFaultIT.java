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
  private static final int NODES = 3;
  /** Nodes 1 and 3 lose each other; node 2 keeps both. */
  private static final int A = 0;

  private static final int B = 2;
  private static final int CHANNELS = 12;
  private static final int PER_SECOND = 10;
  private static final int FOLLOWERS_PER_NODE = 2;
  /** Several of Hazelcast's member timeouts (5 s in hub-fault.xml), so that it must decide. */
  private static final Duration CUT = Duration.ofSeconds(25);
  /** An ack this slow waited for a backup that never came (Hazelcast's backup timeout, 6 s here). */
  private static final Duration SLOW_ACK = Duration.ofSeconds(5);
  /** Bounds for the cluster to merge and for followers to catch up: generous, for a busy machine. */
  private static final Duration BOUND = Duration.ofSeconds(90);

  private final Vertx vertx = Vertx.vertx();
  private final List<Follower> followers = new ArrayList<>();
  private TestNetwork network;
  private NamespacedNodes nodes;
  private HttpPublisher publisher;
  private MemberWatch watch;

  @Test
  void aSplitBetweenTwoNodesGivesNoPositionToTwoEvents() throws Exception {
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
    watch = new MemberWatch(endpoints);

    long began = System.nanoTime();
    for (int node = 0; node < NODES; node++) {
      publisher.publishSteadily(node, channels, PER_SECOND, "n" + (node + 1));
    }
    awaitAcksFromEveryNode(began, 3 * PER_SECOND);

    long cutAt = System.nanoTime();
    network.cutBetween(A, B);
    Awaitility.await("the cut lasts " + CUT)
        .atMost(CUT.plus(BOUND))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() - cutAt >= CUT.toNanos());
    long healedAt = System.nanoTime();
    network.healBetween(A, B);
    boolean merged = awaitMembers(endpoints, all);
    long mergedAt = System.nanoTime();
    boolean publishedAfter = awaitAcksFromEveryNode(mergedAt, 3 * PER_SECOND);
    List<HttpPublisher.Outcome> outcomes = publisher.stop();
    watch.close();
    Ledger.write(logs.resolve("publishes.txt"), outcomes);

    Map<String, Ledger.History> finals = Ledger.readAll(endpoints.get(0), channels, BOUND);
    Ledger.awaitFollowersAt(followers, finals, BOUND);
    Ledger.writeFollowers(logs.resolve("followers.txt"), followers);
    Ledger ledger = new Ledger(outcomes);
    Map<Ledger.Position, Set<String>> twice = ledger.positionsGivenTwice();
    Files.write(logs.resolve("twice.txt"), ledger.whoAcked(twice.keySet(), cutAt));
    String summary = String.format(
        "cut nodes 1 and 3 from each other for %d s (%s; %s); %s; members seen (ms from the"
            + " cut: count): %s",
        TimeUnit.NANOSECONDS.toSeconds(healedAt - cutAt),
        merged
            ? "merged " + TimeUnit.NANOSECONDS.toMillis(mergedAt - healedAt) + " ms after the heal"
            : "not merged within " + BOUND + " of the heal",
        publishedAfter ? "every node acked after it" : "not every node acked after it",
        counts(ledger, outcomes, cutAt, healedAt),
        watch.describe(cutAt));
    Files.writeString(logs.resolve("summary.txt"), summary + System.lineSeparator());

    SoftAssertions softly = new SoftAssertions();
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
        .as("acked events missing from the final history (first: %s)", Ledger.first(missing))
        .isZero();
    softly
        .assertThat(ledger.problemsOf(followers, finals))
        .as("followers' problems")
        .isEmpty();
    softly
        .assertThat(merged && publishedAfter)
        .as(
            "every node sees 3 members and acks %d publishes after the heal; %s",
            3 * PER_SECOND, summary)
        .isTrue();
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

  /** Whether every node sees every member again within {@link #BOUND}; the checks report it if not. */
  private static boolean awaitMembers(Endpoints endpoints, List<Integer> all) {
    try {
      FaultTier.awaitMembers(endpoints, all, NODES, BOUND);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
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

  /** Publish results during the cut, by node, and how many acks there took a backup timeout. */
  private static String counts(
      Ledger ledger, List<HttpPublisher.Outcome> outcomes, long cutAt, long healedAt) {
    Map<Integer, Map<String, Long>> duringCut = new TreeMap<>();
    Map<Integer, Long> slow = new TreeMap<>();
    for (int node = 0; node < NODES; node++) {
      int index = node;
      List<HttpPublisher.Outcome> sent = outcomes.stream()
          .filter(o -> o.node() == index && o.sentNanos() >= cutAt && o.sentNanos() < healedAt)
          .toList();
      duringCut.put(node + 1, Ledger.byResult(sent));
      slow.put(
          node + 1,
          sent.stream()
              .filter(o -> o.acked() && o.took().compareTo(SLOW_ACK) >= 0)
              .count());
    }
    return String.format(
        "%d publishes, %d acked (by node: %s); sent during the cut, by node and result: %s, of"
            + " which acked in %d s or more: %s",
        outcomes.size(),
        ledger.acks().size(),
        ledger.acks().stream()
            .collect(Collectors.groupingBy(o -> o.node() + 1, TreeMap::new, Collectors.counting())),
        duringCut,
        SLOW_ACK.toSeconds(),
        slow);
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (watch != null) {
        watch.close();
      }
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
