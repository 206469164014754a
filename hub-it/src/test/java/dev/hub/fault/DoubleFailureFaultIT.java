package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two of three nodes killed together (SIGKILL), then started again. What docs/protocol.md
 * sections 4, 5 and 10 promise with {@code --cluster-size 3}: the survivor, alone, answers a
 * history publish at once with 503 {@code unavailable} (no request waits for Hazelcast's 60 s
 * invocation timeout, none is acked without a majority); once the two are back, publishes succeed
 * through every node; a channel whose history both dead nodes held gets a new epoch, and every
 * follower of it is told ({@code subscribed} with {@code recovered: false} and the new epoch) and
 * then receives the new events; a channel the survivor held keeps its epoch and its followers
 * miss nothing.
 *
 * <p>Which channels lose their history depends on where Hazelcast put their partitions' two
 * copies, which a client cannot see: with 24 channels, each lost with probability 1/3, both kinds
 * occur in all but about one run in 16 000 (the test says so when they do not).
 */
class DoubleFailureFaultIT {
  private static final int NODES = 3;
  private static final int SURVIVOR = 0;
  private static final List<Integer> KILLED = List.of(1, 2);
  private static final int CHANNELS = 24;
  private static final int SEEDS_PER_CHANNEL = 3;
  /** How long the survivor is asked to publish while alone, 4 times a second. */
  private static final Duration ALONE = Duration.ofSeconds(15);
  /**
   * From the kill, how long the survivor may take to know it is alone: Hazelcast drops a killed
   * member within 5 s in hub-fault.xml (sooner on loopback, where the connection is refused). Until
   * then a publish may fail otherwise, but must still not be acked.
   */
  private static final Duration DETECTION = Duration.ofSeconds(8);
  /** A survivor's client waits no longer than this for any answer: far below the 60 s invocation timeout. */
  private static final Duration BOUNDED = Duration.ofSeconds(8);
  /** Once the survivor knows it is alone, it refuses within this (it need not ask the cluster). */
  private static final Duration PROMPT = Duration.ofSeconds(2);

  private static final Duration BOUND = Duration.ofSeconds(90);

  private final Vertx vertx = Vertx.vertx();
  private final List<Follower> followers = new ArrayList<>();
  private LoopbackCluster cluster;
  private HttpPublisher publisher;
  private HttpPublisher alone;

  @Test
  void theSurvivorRefusesAtOnceAndFollowersAreToldOfTheNewEpochOfLostHistory() throws Exception {
    cluster = new LoopbackCluster(getClass().getSimpleName(), NODES);
    cluster.startAll();
    Endpoints endpoints = cluster.endpoints();
    List<Integer> all = IntStream.range(0, NODES).boxed().toList();
    FaultTier.awaitMembers(endpoints, all, NODES, FaultTier.START);
    List<String> channels = FaultTier.ledgers(CHANNELS);
    publisher = new HttpPublisher(endpoints);
    Map<String, String> epochsBefore = seed(channels);
    startFollowers(endpoints, channels);

    KILLED.forEach(index -> cluster.node(index).kill());
    for (int index : KILLED) {
      assertThat(cluster.node(index).awaitExit(BOUND))
          .as("node %d exits", index + 1)
          .isTrue();
    }
    long killedAt = System.nanoTime();
    alone = new HttpPublisher(endpoints);
    alone.publishSteadily(SURVIVOR, channels, 4, "alone");
    Awaitility.await("the survivor is asked for " + ALONE)
        .atMost(ALONE.plus(BOUND))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> System.nanoTime() - killedAt >= ALONE.toNanos());
    List<HttpPublisher.Outcome> whileAlone = alone.stop();
    Ledger.write(cluster.logs().resolve("publishes-alone.txt"), whileAlone);

    cluster.start(KILLED);
    FaultTier.awaitMembers(endpoints, all, NODES, BOUND);
    Map<Integer, String> recovery = awaitPublishesThroughEveryNode(channels.get(0));
    for (int round = 0; round < SEEDS_PER_CHANNEL; round++) {
      for (int i = 0; i < channels.size(); i++) {
        publisher
            .publish((i + round) % NODES, channels.get(i), "after-" + round + "-" + channels.get(i))
            .join();
      }
    }
    List<HttpPublisher.Outcome> outcomes = publisher.stop();
    Ledger.write(cluster.logs().resolve("publishes.txt"), outcomes);

    Map<String, Ledger.History> finals = Ledger.readAll(endpoints.get(SURVIVOR), channels, BOUND);
    Ledger.awaitFollowersAt(followers, finals, BOUND);
    Ledger.writeFollowers(cluster.logs().resolve("followers.txt"), followers);
    Set<String> lost = channels.stream()
        .filter(channel -> !epochsBefore.get(channel).equals(finals.get(channel).epoch()))
        .collect(Collectors.toCollection(TreeSet::new));
    Ledger ledger = new Ledger(outcomes);
    String summary = String.format(
        "%d of %d channels lost their history %s; while alone the survivor answered %s;"
            + " after the restart, the first ack through each node came after %s",
        lost.size(), CHANNELS, lost, Ledger.byResult(whileAlone), recovery);
    Files.writeString(cluster.logs().resolve("summary.txt"), summary + System.lineSeparator());

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(whileAlone.stream().filter(HttpPublisher.Outcome::acked).toList())
        .as("publishes the survivor acked while alone, with no majority to hold them; %s", summary)
        .isEmpty();
    softly
        .assertThat(whileAlone.stream()
            .filter(o -> o.status() == 0 || o.took().compareTo(BOUNDED) > 0)
            .toList())
        .as("publishes through the survivor answered later than %s, or not at all", BOUNDED)
        .isEmpty();
    List<HttpPublisher.Outcome> known = whileAlone.stream()
        .filter(o -> o.sentNanos() - killedAt >= DETECTION.toNanos())
        .toList();
    softly
        .assertThat(Ledger.byResult(known))
        .as(
            "publishes through the survivor from %s after the kill, by result (all must be 503 unavailable)",
            DETECTION)
        .containsOnlyKeys("503 unavailable");
    softly
        .assertThat(known.stream().filter(o -> o.took().compareTo(PROMPT) > 0).toList())
        .as(
            "publishes through the survivor from %s after the kill answered later than %s",
            DETECTION, PROMPT)
        .isEmpty();
    softly
        .assertThat(recovery.values())
        .as("publishes through each node after the restart")
        .doesNotContain("never");
    softly
        .assertThat(Ledger.byResult(
            outcomes.stream().filter(o -> o.eid().startsWith("after-")).toList()))
        .as("publishes through every node once all were back, by result")
        .containsOnlyKeys("acked");
    softly
        .assertThat(lost)
        .as("channels that lost their history (the test needs some; see the class comment)")
        .isNotEmpty()
        .hasSizeLessThan(CHANNELS);
    softly
        .assertThat(ledger.positionsGivenTwice())
        .as("(channel, epoch, offset) acked for two different events")
        .isEmpty();
    softly
        .assertThat(ledger.ackedMissingFrom(
            finals, ack -> lost.contains(ack.channel()) && ack.sentNanos() < killedAt))
        .as(
            "acked events missing from the history (but those of lost channels acked before the kill)")
        .isEmpty();
    softly
        .assertThat(ledger.problemsOf(followers, finals))
        .as("followers' problems")
        .isEmpty();
    softly
        .assertThat(resetsOn(
            channels.stream().filter(channel -> !lost.contains(channel)).toList()))
        .as("resets followers were told of on channels whose history survived")
        .isEmpty();
    softly.assertAll();
  }

  /** A few events on every channel, through every node in turn; returns each channel's epoch. */
  private Map<String, String> seed(List<String> channels) {
    Map<String, String> epochs = new HashMap<>();
    for (int round = 0; round < SEEDS_PER_CHANNEL; round++) {
      for (int i = 0; i < channels.size(); i++) {
        String channel = channels.get(i);
        HttpPublisher.Outcome seeded = publisher
            .publish((i + round) % NODES, channel, "seed-" + round + "-" + channel)
            .join();
        assertThat(seeded.acked()).as("seeding %s: %s", channel, seeded).isTrue();
        epochs.put(channel, seeded.epoch());
      }
    }
    return epochs;
  }

  private void startFollowers(Endpoints endpoints, List<String> channels) {
    List<Future<Void>> started = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      Follower follower = new Follower(vertx, "f" + i, endpoints, channels, null, i);
      followers.add(follower);
      started.add(follower.start());
    }
    try {
      Future.all(started).await(FaultTier.START.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the followers did not all subscribe", e);
    }
  }

  /**
   * Publishes through each node until one is acked; returns, per node, how long after this call
   * that took, or "never" within the bound.
   */
  private Map<Integer, String> awaitPublishesThroughEveryNode(String channel) {
    Map<Integer, String> took = new HashMap<>();
    long from = System.nanoTime();
    for (int node = 0; node < NODES; node++) {
      int index = node;
      try {
        Awaitility.await("a publish acked through node " + (node + 1))
            .atMost(BOUND)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> publisher
                .publish(index, channel, "probe-" + index + "-" + System.nanoTime())
                .join()
                .acked());
        took.put(node + 1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from) + " ms");
      } catch (ConditionTimeoutException e) {
        took.put(node + 1, "never");
      }
    }
    return took;
  }

  /** The told resets followers saw on these channels. */
  private List<String> resetsOn(List<String> channels) {
    List<String> resets = new ArrayList<>();
    for (Follower follower : followers) {
      for (String channel : channels) {
        follower.seen(channel).stream()
            .filter(seen -> seen instanceof Follower.Start start && start.told())
            .forEach(reset -> resets.add(follower.user() + " on " + channel + ": " + reset));
      }
    }
    return resets;
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      Future.join(followers.stream().map(Follower::close).toList()).await(10, TimeUnit.SECONDS);
      if (publisher != null) {
        publisher.close();
      }
      if (alone != null) {
        alone.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
