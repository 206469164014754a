package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart under load, as an operator upgrades a cluster: each of three nodes in turn
 * stopped gracefully (SIGTERM: its clients are told to reconnect and it leaves the cluster),
 * waited for, and started again, while events are published over HTTP through every node and
 * followers on every node follow four history channels. With a majority up throughout, nothing
 * is lost: no position is acked twice, every acked event stays in the history, no epoch changes,
 * and every follower ends with every event of every channel once, in order, with no reset.
 * ({@code DeliveryProcessIT} covers the loss of one node; this covers every node, one after another.)
 */
class RollingRestartFaultIT {
  private static final int NODES = 3;
  private static final int CHANNELS = 4;
  private static final int FOLLOWERS_PER_NODE = 2;
  private static final int PER_SECOND = 20;
  /** Acks to see through a node before the next step: it serves publishes, and the stream is flowing. */
  private static final int ACKS_BETWEEN = 10;

  private static final Duration BOUND = Duration.ofSeconds(90);

  private final Vertx vertx = Vertx.vertx();
  private final List<Follower> followers = new ArrayList<>();
  private LoopbackCluster cluster;
  private HttpPublisher publisher;

  @Test
  void everyFollowerGetsEveryAckedEventOnceInOrderAcrossARollingRestart() throws Exception {
    cluster = new LoopbackCluster(getClass().getSimpleName(), NODES);
    cluster.startAll();
    Endpoints endpoints = cluster.endpoints();
    List<Integer> all = IntStream.range(0, NODES).boxed().toList();
    FaultTier.awaitMembers(endpoints, all, NODES, FaultTier.START);
    List<String> channels = FaultTier.ledgers(CHANNELS);
    publisher = new HttpPublisher(endpoints);
    for (String channel : channels) {
      HttpPublisher.Outcome seeded =
          publisher.publish(0, channel, "seed-" + channel).join();
      assertThat(seeded.acked()).as("seeding %s: %s", channel, seeded).isTrue();
    }
    startFollowers(endpoints, channels);

    publisher.publishRoundRobin(channels, PER_SECOND, "r");
    long began = System.nanoTime();
    for (int node = 0; node < NODES; node++) {
      awaitAcksThrough(node, began);
    }
    for (int node = 0; node < NODES; node++) {
      cluster.node(node).stop();
      assertThat(cluster.node(node).awaitExit(BOUND))
          .as("node %d exits after SIGTERM", node + 1)
          .isTrue();
      cluster.start(node);
      FaultTier.awaitMembers(endpoints, all, NODES, BOUND);
      awaitAcksThrough(node, System.nanoTime());
    }
    List<HttpPublisher.Outcome> outcomes = publisher.stop();
    Ledger.write(cluster.logs().resolve("publishes.txt"), outcomes);

    Map<String, Ledger.History> finals = Ledger.readAll(endpoints.get(0), channels, BOUND);
    Ledger.awaitFollowersAt(followers, finals, BOUND);
    Ledger.writeFollowers(cluster.logs().resolve("followers.txt"), followers);
    Ledger ledger = new Ledger(outcomes);
    String summary = String.format(
        "%d publishes over %d s, by result %s; followers connected %s times",
        outcomes.size(),
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began),
        Ledger.byResult(outcomes),
        followers.stream().map(Follower::connections).toList());
    Files.writeString(cluster.logs().resolve("summary.txt"), summary + System.lineSeparator());

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(ledger.positionsGivenTwice())
        .as(
            "(channel, epoch, offset) acked for two different events; %s;" + " logs in %s",
            summary, cluster.logs())
        .isEmpty();
    softly
        .assertThat(ledger.ackedMissingFrom(finals, ack -> false))
        .as("acked events missing from the history")
        .isEmpty();
    softly
        .assertThat(ledger.problemsOf(followers, finals))
        .as("followers' problems")
        .isEmpty();
    for (Follower follower : followers) {
      for (String channel : channels) {
        softly
            .assertThat(follower.seen(channel).stream()
                .filter(seen -> seen instanceof Follower.Start start && start.told())
                .toList())
            .as("%s on %s: resets (a rolling restart loses no history)", follower.user(), channel)
            .isEmpty();
      }
    }
    softly.assertAll();
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

  private void awaitAcksThrough(int node, long since) {
    Awaitility.await(ACKS_BETWEEN + " acks through node " + (node + 1))
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> publisher.outcomes().stream()
                .filter(o -> o.node() == node && o.sentNanos() >= since && o.acked())
                .count()
            >= ACKS_BETWEEN);
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      Future.join(followers.stream().map(Follower::close).toList()).await(10, TimeUnit.SECONDS);
      if (publisher != null) {
        publisher.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
