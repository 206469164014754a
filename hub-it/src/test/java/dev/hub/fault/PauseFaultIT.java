package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * One node paused (SIGSTOP) until the others drop it from the cluster, then resumed (SIGCONT): it
 * wakes with its sockets open and its view of the cluster out of date. What docs/protocol.md
 * sections 3 and 4 promise once things settle: a {@code presence} query through any node lists
 * exactly the users connected to a live node and subscribed, each with its one connection (no
 * ghost of a connection that moved, no user lost in the merge), and an event published through any
 * node reaches subscribers on every node.
 *
 * <p>Followers here follow no history channel; they only stay in the lobby (a presence channel),
 * moving to another node when theirs closes the connection, as real clients do.
 */
class PauseFaultIT {
  private static final int NODES = 3;
  private static final int PAUSED = 2;
  private static final int FOLLOWERS_PER_NODE = 2;
  private static final String PROBE = "probe";
  /** Bounds for the others to drop the paused node, for it to rejoin, and for presence and delivery to settle. */
  private static final Duration BOUND = Duration.ofSeconds(90);

  private final Vertx vertx = Vertx.vertx();
  private final List<Follower> followers = new ArrayList<>();
  private final List<HubTestClient> clients = new ArrayList<>();
  private final HubTestClient[] watchers = new HubTestClient[NODES];
  private LoopbackCluster cluster;
  private int watchersReplaced;

  @Test
  void presenceHasNoGhostsAndDeliveryReachesEveryNodeAfterAPausePastTheMemberTimeout()
      throws Exception {
    cluster = new LoopbackCluster(getClass().getSimpleName(), NODES);
    cluster.startAll();
    Endpoints endpoints = cluster.endpoints();
    List<Integer> all = IntStream.range(0, NODES).boxed().toList();
    FaultTier.awaitMembers(endpoints, all, NODES, FaultTier.START);
    startFollowers(endpoints);
    assertThat(awaitPresence(endpoints)).as("presence before the pause").isNull();
    assertThat(awaitDelivery()).as("delivery before the pause").isNull();

    long pausedAt = System.nanoTime();
    cluster.pause(PAUSED);
    FaultTier.awaitMembers(endpoints, List.of(0, 1), NODES - 1, BOUND);
    long droppedAt = System.nanoTime();
    cluster.resume(PAUSED);
    long resumedAt = System.nanoTime();
    String rejoined = rejoin(endpoints, all);
    String presence = awaitPresence(endpoints);
    String delivery = awaitDelivery();
    String summary = String.format(
        "node 3 paused, dropped by the others after %d ms, resumed; %s; presence %s;"
            + " delivery %s (%d watchers reconnected after their node closed them); %d s after the resume",
        TimeUnit.NANOSECONDS.toMillis(droppedAt - pausedAt),
        rejoined,
        presence == null ? "settled" : "did not settle",
        delivery == null ? "restored" : "not restored",
        watchersReplaced,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - resumedAt));
    Files.writeString(cluster.logs().resolve("summary.txt"), summary + System.lineSeparator());

    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(rejoined)
        .as("node 3 back in the cluster; %s; logs in %s", summary, cluster.logs())
        .startsWith("rejoined");
    softly
        .assertThat(presence)
        .as("presence through every node, once settled: ghosts and lost users")
        .isNull();
    softly
        .assertThat(delivery)
        .as("an event published through each node reaches every node")
        .isNull();
    softly.assertAll();
  }

  private void startFollowers(Endpoints endpoints) {
    List<Future<Void>> started = new ArrayList<>();
    for (int i = 0; i < NODES * FOLLOWERS_PER_NODE; i++) {
      Follower follower =
          new Follower(vertx, "u" + i, endpoints, List.of(), FaultTier.LOBBY, i % NODES);
      followers.add(follower);
      started.add(follower.start());
    }
    try {
      Future.all(started).await(FaultTier.START.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the followers did not all join the lobby", e);
    }
  }

  private static String rejoin(Endpoints endpoints, List<Integer> all) {
    long from = System.nanoTime();
    try {
      FaultTier.awaitMembers(endpoints, all, NODES, BOUND);
      return "rejoined " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from)
          + " ms after the resume";
    } catch (ConditionTimeoutException e) {
      return "not back in the cluster within " + BOUND + " (members seen: "
          + all.stream().map(node -> Http.members(endpoints.get(node))).toList() + ")";
    }
  }

  /**
   * Waits until every follower is connected and in the lobby and every node's presence lists
   * exactly their users, one connection each; null then, else what the last look found wrong.
   */
  private String awaitPresence(Endpoints endpoints) {
    String[] wrong = {"never asked"};
    try {
      Awaitility.await("presence settles")
          .atMost(BOUND)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            wrong[0] = presenceProblems(endpoints);
            return wrong[0] == null;
          });
      return null;
    } catch (ConditionTimeoutException e) {
      return wrong[0];
    }
  }

  private String presenceProblems(Endpoints endpoints) {
    List<String> unsettled = followers.stream()
        .filter(follower -> !follower.settled())
        .map(Follower::user)
        .toList();
    if (!unsettled.isEmpty()) {
      return "followers not connected and in the lobby: " + unsettled;
    }
    Map<String, Integer> expected = followers.stream()
        .collect(Collectors.toMap(Follower::user, follower -> 1, (a, b) -> a + b, TreeMap::new));
    List<String> problems = new ArrayList<>();
    for (int node = 0; node < NODES; node++) {
      Map<String, Integer> listed = new TreeMap<>();
      try {
        Http.getJson(endpoints.get(node), "/api/channels/" + FaultTier.LOBBY + "/presence")
            .getJsonArray("users")
            .stream()
            .map(JsonObject.class::cast)
            .forEach(user -> listed.put(user.getString("user"), user.getInteger("connections")));
      } catch (Exception | AssertionError e) {
        problems.add("node " + (node + 1) + " does not answer: " + e.getMessage());
        continue;
      }
      if (!listed.equals(expected)) {
        Set<String> ghosts = new TreeSet<>(listed.keySet());
        ghosts.removeAll(expected.keySet());
        Set<String> lost = new TreeSet<>(expected.keySet());
        lost.removeAll(listed.keySet());
        Map<String, Integer> counted = new TreeMap<>(listed);
        counted.keySet().retainAll(expected.keySet());
        counted.values().removeIf(connections -> connections == 1);
        problems.add("node " + (node + 1) + " lists ghosts " + ghosts + ", loses " + lost
            + ", wrong connection counts " + counted);
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /**
   * Publishes a probe through every node each second, a round at a time, until a round in which
   * every node's watcher received every node's probe; null then, else the pairs (from → to) the
   * last round missed. A watcher whose node closed it is replaced by a new one on the same node.
   */
  private String awaitDelivery() {
    int[] round = {0};
    String[] missing = {"no round completed"};
    try {
      Awaitility.await("a probe from every node reaches every node")
          .atMost(BOUND)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            if (round[0] > 0) {
              missing[0] = missingPairs(round[0]);
              if (missing[0] == null) {
                return true;
              }
            }
            round[0]++;
            try {
              for (int node = 0; node < NODES; node++) {
                watcher(node)
                    .send(new JsonObject()
                        .put("type", "publish")
                        .put("channel", PROBE)
                        .put(
                            "event",
                            new JsonObject()
                                .put("type", PROBE)
                                .put("origin", node)
                                .put("round", round[0])));
              }
            } catch (RuntimeException | AssertionError e) {
              missing[0] = "round " + round[0] + " not sent: " + e.getMessage();
            }
            return false;
          });
      return null;
    } catch (ConditionTimeoutException e) {
      return missing[0];
    }
  }

  private synchronized String missingPairs(int round) {
    List<String> pairs = new ArrayList<>();
    for (int to = 0; to < NODES; to++) {
      Set<Integer> from = watchers[to] == null
          ? Set.of()
          : watchers[to]
              .received(frame ->
                  PROBE.equals(frame.getString("type")) && frame.getInteger("round") == round)
              .stream()
              .map(frame -> frame.getInteger("origin"))
              .collect(Collectors.toSet());
      for (int node = 0; node < NODES; node++) {
        if (!from.contains(node)) {
          pairs.add((node + 1) + "->" + (to + 1));
        }
      }
    }
    return pairs.isEmpty() ? null : "round " + round + " missed " + pairs;
  }

  /** The watcher on {@code node}, connected again if its node closed it. */
  private synchronized HubTestClient watcher(int node) {
    if (watchers[node] != null && !watchers[node].isClosed()) {
      return watchers[node];
    }
    if (watchers[node] != null) {
      watchersReplaced++;
    }
    HubTestClient watcher = HubTestClient.connect(
        vertx, cluster.endpoints().get(node).port(), "/ws?user=w" + node, Duration.ofSeconds(5));
    clients.add(watcher);
    JsonObject reply = watcher.request(
        new JsonObject().put("type", "subscribe").put("id", "probe").put("channel", PROBE),
        Duration.ofSeconds(5));
    assertThat(reply.getString("type"))
        .as("watcher on node %d subscribing: %s", node + 1, reply)
        .isEqualTo("subscribed");
    watchers[node] = watcher;
    return watcher;
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      Future.join(followers.stream().map(Follower::close).toList()).await(10, TimeUnit.SECONDS);
      clients.forEach(HubTestClient::close);
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
