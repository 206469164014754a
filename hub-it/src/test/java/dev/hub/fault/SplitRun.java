package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.HubProcesses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
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

/**
 * What the split tests share: three nodes in network namespaces ({@link
 * TestNetwork}), one event per {@code ledger-*} history channel to give each an epoch, two
 * followers per node, publishers sending over HTTP to all three at 10 events a second each, the
 * member counts each node reports ({@link MemberWatch}), and at the end the ledger checks of
 * docs/protocol.md sections 4 and 10, with what a reader of a failure needs written to the test's
 * log folder. A test starts it, makes its fault, and asks for the checks.
 */
final class SplitRun implements AutoCloseable {
  static final int NODES = 3;
  static final int PER_SECOND = 10;
  /** Bounds for the cluster to merge and for followers to catch up: generous, for a busy machine. */
  static final Duration BOUND = Duration.ofSeconds(90);

  private static final int CHANNELS = 12;
  private static final int FOLLOWERS_PER_NODE = 2;
  /** An ack this slow waited for a backup that never came (Hazelcast's backup timeout, 6 s here). */
  private static final Duration SLOW_ACK = Duration.ofSeconds(5);

  private final Path logs;
  private final List<String> channels = FaultTier.ledgers(CHANNELS);
  private final Vertx vertx = Vertx.vertx();
  private final List<Follower> followers = new ArrayList<>();
  private TestNetwork network;
  private NamespacedNodes nodes;
  private List<HubProcesses.Node> started;
  private Endpoints endpoints;
  private HttpPublisher publisher;
  private MemberWatch watch;

  /** What a run ended with: every publish's outcome, the final histories and their ledger. */
  record Finish(
      List<HttpPublisher.Outcome> outcomes,
      Map<String, Ledger.History> finals,
      Ledger ledger,
      Map<Ledger.Position, Set<String>> twice,
      List<String> storedTwice) {}

  private SplitRun(Path logs) {
    this.logs = logs;
  }

  /**
   * Starts the nodes, the followers and the publishers of {@code test}'s run, and returns once
   * every node has acked a few publishes; cleans up what it started if it fails.
   */
  static SplitRun start(Class<?> test) throws Exception {
    SplitRun run = new SplitRun(
        Files.createDirectories(Path.of("target", "process-logs", test.getSimpleName())));
    try {
      run.begin();
      return run;
    } catch (Exception | Error e) {
      run.close();
      throw e;
    }
  }

  private void begin() throws Exception {
    network = TestNetwork.create(NODES);
    nodes = new NamespacedNodes(network, NODES, logs, FaultTier.nodeFlags(logs, NODES));
    started = nodes.startAll();
    endpoints = nodes.endpoints();
    FaultTier.awaitMembers(endpoints, all(), NODES, FaultTier.START);
    publisher = new HttpPublisher(endpoints);
    seed();
    startFollowers();
    watch = new MemberWatch(endpoints);
    long began = System.nanoTime();
    for (int node = 0; node < NODES; node++) {
      publisher.publishSteadily(node, channels, PER_SECOND, "n" + (node + 1));
    }
    awaitAcksFromEveryNode(began);
  }

  TestNetwork network() {
    return network;
  }

  Endpoints endpoints() {
    return endpoints;
  }

  /** Kills node {@code index} (SIGKILL). */
  void kill(int index) {
    started.get(index).kill();
  }

  /** Starts node {@code index} again. */
  void restart(int index) {
    nodes.start(index);
  }

  /** Waits until {@code span} has passed since {@code moment} ({@code System.nanoTime()}). */
  static void awaitFrom(long moment, Duration span) {
    Awaitility.await(span + " pass")
        .atMost(span.plus(BOUND))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() - moment >= span.toNanos());
  }

  /** Whether every node sees every member again within {@link #BOUND}; the checks report it if not. */
  private boolean awaitMembersAgain() {
    try {
      FaultTier.awaitMembers(endpoints, all(), NODES, BOUND);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** Whether every node acks a few publishes sent after {@code since} within {@link #BOUND}. */
  private boolean awaitAcksFromEveryNode(long since) {
    int count = 3 * PER_SECOND;
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
   * Stops publishing, reads the final histories, waits for the followers to reach them, and writes
   * {@code publishes.txt}, {@code followers.txt}, {@code twice.txt} (who acked each position given
   * twice, timed from {@code faultAt}) and {@code stored-twice.txt}.
   */
  Finish finish(long faultAt) throws Exception {
    List<HttpPublisher.Outcome> outcomes = publisher.stop();
    watch.close();
    Ledger.write(logs.resolve("publishes.txt"), outcomes);
    Map<String, Ledger.History> finals = Ledger.readAll(endpoints.get(0), channels, BOUND);
    Ledger.awaitFollowersAt(followers, finals, BOUND);
    Ledger.writeFollowers(logs.resolve("followers.txt"), followers);
    Ledger ledger = new Ledger(outcomes);
    Map<Ledger.Position, Set<String>> twice = ledger.positionsGivenTwice();
    Files.write(logs.resolve("twice.txt"), ledger.whoAcked(twice.keySet(), faultAt));
    // Not a failure: an append re-sent by Hazelcast after its owner died
    // (docs/delivery-guarantees.md).
    List<String> storedTwice = Ledger.storedTwice(finals);
    Files.write(logs.resolve("stored-twice.txt"), storedTwice);
    return new Finish(outcomes, finals, ledger, twice, storedTwice);
  }

  /**
   * Publish results between {@code from} and {@code until}, by node, how many acks there took a
   * backup timeout, the events stored twice and the member counts seen, for {@code summary.txt}.
   */
  String describe(Finish finish, long from, long until, String window) {
    Map<Integer, Map<String, Long>> during = new TreeMap<>();
    Map<Integer, Long> slow = new TreeMap<>();
    for (int node = 0; node < NODES; node++) {
      int index = node;
      List<HttpPublisher.Outcome> sent = finish.outcomes().stream()
          .filter(o -> o.node() == index && o.sentNanos() >= from && o.sentNanos() < until)
          .toList();
      during.put(node + 1, Ledger.byResult(sent));
      slow.put(
          node + 1,
          sent.stream()
              .filter(o -> o.acked() && o.took().compareTo(SLOW_ACK) >= 0)
              .count());
    }
    return String.format(
        "%d publishes, %d acked (by node: %s); sent %s, by node and result: %s, of which acked"
            + " in %d s or more: %s; events stored at two offsets: %d; members seen (ms from the"
            + " fault: count): %s",
        finish.outcomes().size(),
        finish.ledger().acks().size(),
        finish.ledger().acks().stream()
            .collect(Collectors.groupingBy(o -> o.node() + 1, TreeMap::new, Collectors.counting())),
        window,
        during,
        SLOW_ACK.toSeconds(),
        slow,
        finish.storedTwice().size(),
        watch.describe(from));
  }

  /**
   * How the cluster came back after the heal at {@code healedAt}: waits for every node to see
   * every member again, then for every node to ack, each within {@link #BOUND}.
   */
  Recovery awaitRecovery(long healedAt) {
    boolean merged = awaitMembersAgain();
    long mergedAt = System.nanoTime();
    return new Recovery(healedAt, merged, mergedAt, awaitAcksFromEveryNode(mergedAt));
  }

  /** The cluster after a heal: whether it merged, when, and whether every node acked again. */
  record Recovery(long healedAt, boolean merged, long mergedAt, boolean publishedAfter) {
    /** For {@code summary.txt}. */
    String describe() {
      return (merged
              ? "merged " + TimeUnit.NANOSECONDS.toMillis(mergedAt - healedAt)
                  + " ms after the heal"
              : "not merged within " + BOUND + " of the heal")
          + "; " + (publishedAfter ? "every node acked after it" : "not every node acked after it");
    }

    /** The cluster serves again once the link is back: every node sees every member and acks. */
    void checkServesAgain(SoftAssertions softly, String summary) {
      softly
          .assertThat(merged && publishedAfter)
          .as(
              "every node sees %d members and acks %d publishes after the heal; %s",
              NODES, 3 * PER_SECOND, summary)
          .isTrue();
    }
  }

  /** Writes {@code summary.txt}. */
  void writeSummary(String summary) throws IOException {
    Files.writeString(logs.resolve("summary.txt"), summary + System.lineSeparator());
  }

  /**
   * What sections 4 and 10 promise whatever the fault: no position acknowledged for two events,
   * every acknowledged event in the final history at its position, and every follower holding
   * each channel's events once, in order, or told {@code recovered: false}.
   */
  void checkLedger(SoftAssertions softly, Finish finish, String summary) {
    Ledger ledger = finish.ledger();
    softly
        .assertThat(finish.twice().size())
        .as(
            "(channel, epoch, offset) acked for two different events, of %d acks (first: %s);"
                + " %s; logs in %s",
            ledger.acks().size(),
            Ledger.first(finish.twice().entrySet()),
            summary,
            logs.toAbsolutePath())
        .isZero();
    List<String> missing = ledger.ackedMissingFrom(finish.finals(), ack -> false);
    softly
        .assertThat(missing.size())
        .as("acked events missing from the final history (first: %s)", Ledger.first(missing))
        .isZero();
    softly
        .assertThat(ledger.problemsOf(followers, finish.finals()))
        .as("followers' problems")
        .isEmpty();
  }

  /** One event per channel through node 1, so that every channel has an epoch before the followers come. */
  private void seed() {
    for (String channel : channels) {
      HttpPublisher.Outcome seeded =
          publisher.publish(0, channel, "seed-" + channel).join();
      assertThat(seeded.acked()).as("seeding %s: %s", channel, seeded).isTrue();
    }
  }

  private void startFollowers() {
    List<Future<Void>> subscribed = new ArrayList<>();
    for (int i = 0; i < NODES * FOLLOWERS_PER_NODE; i++) {
      Follower follower = new Follower(vertx, "f" + i, endpoints, channels, null, i % NODES);
      followers.add(follower);
      subscribed.add(follower.start());
    }
    try {
      Future.all(subscribed).await(FaultTier.START.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the followers did not all subscribe", e);
    }
  }

  private static List<Integer> all() {
    return IntStream.range(0, NODES).boxed().toList();
  }

  @Override
  public void close() throws Exception {
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
