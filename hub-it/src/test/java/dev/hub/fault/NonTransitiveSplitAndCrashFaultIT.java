package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.HubProcesses;
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
  private static final int NODES = 3;
  /** Nodes 2 and 3 lose each other; node 1, the master when nodes start together, keeps both. */
  private static final int A = 1;

  private static final int B = 2;
  /** Crashed while the cut lasts. */
  private static final int CRASHED = B;

  private static final int CHANNELS = 12;
  private static final int PER_SECOND = 10;
  private static final int FOLLOWERS_PER_NODE = 2;
  /** From the cut to the crash: several backup timeouts (6 s with hub-fault.xml's heartbeat). */
  private static final Duration BEFORE_CRASH = Duration.ofSeconds(15);
  /** From the crash to the heal: the master drops the dead member within 5 s (hub-fault.xml). */
  private static final Duration AFTER_CRASH = Duration.ofSeconds(15);
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
  void aCrashDuringASplitBetweenTwoNodesLosesNoAckedEvent() throws Exception {
    Path logs =
        Files.createDirectories(Path.of("target", "process-logs", getClass().getSimpleName()));
    network = TestNetwork.create(NODES);
    nodes = new NamespacedNodes(network, NODES, logs, FaultTier.nodeFlags(logs, NODES));
    List<HubProcesses.Node> started = nodes.startAll();
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
    awaitFrom(cutAt, BEFORE_CRASH);
    long crashedAt = System.nanoTime();
    started.get(CRASHED).kill();
    awaitFrom(crashedAt, AFTER_CRASH);
    long healedAt = System.nanoTime();
    network.healBetween(A, B);
    nodes.start(CRASHED);
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
    // Not a failure: an append re-sent by Hazelcast after its owner died
    // (docs/delivery-guarantees.md).
    List<String> storedTwice = Ledger.storedTwice(finals);
    Files.write(logs.resolve("stored-twice.txt"), storedTwice);
    String summary = String.format(
        "cut nodes 2 and 3 from each other, killed node 3 %d s later, healed %d s after that and"
            + " started node 3 again (%s; %s); %s; events stored at two offsets: %d;"
            + " members seen (ms from the cut: count): %s",
        TimeUnit.NANOSECONDS.toSeconds(crashedAt - cutAt),
        TimeUnit.NANOSECONDS.toSeconds(healedAt - crashedAt),
        merged
            ? "merged " + TimeUnit.NANOSECONDS.toMillis(mergedAt - healedAt) + " ms after the heal"
            : "not merged within " + BOUND + " of the heal",
        publishedAfter ? "every node acked after it" : "not every node acked after it",
        counts(ledger, outcomes, cutAt, crashedAt),
        storedTwice.size(),
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

  private static void awaitFrom(long moment, Duration span) {
    Awaitility.await(span + " pass")
        .atMost(span.plus(BOUND))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() - moment >= span.toNanos());
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

  /** Publish results from the cut to the crash, by node, and how many acks there took a backup timeout. */
  private static String counts(
      Ledger ledger, List<HttpPublisher.Outcome> outcomes, long cutAt, long crashedAt) {
    Map<Integer, Map<String, Long>> duringCut = new TreeMap<>();
    Map<Integer, Long> slow = new TreeMap<>();
    for (int node = 0; node < NODES; node++) {
      int index = node;
      List<HttpPublisher.Outcome> sent = outcomes.stream()
          .filter(o -> o.node() == index && o.sentNanos() >= cutAt && o.sentNanos() < crashedAt)
          .toList();
      duringCut.put(node + 1, Ledger.byResult(sent));
      slow.put(
          node + 1,
          sent.stream()
              .filter(o -> o.acked() && o.took().compareTo(SLOW_ACK) >= 0)
              .count());
    }
    return String.format(
        "%d publishes, %d acked (by node: %s); sent from the cut to the crash, by node and"
            + " result: %s, of which acked in %d s or more: %s",
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
