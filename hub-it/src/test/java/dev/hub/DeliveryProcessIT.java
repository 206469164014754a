package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.RecoveringClient.Received;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Three hub JVMs, thirty clients on a history channel, a steady stream of numbered events, and one
 * node lost mid-stream, killed or stopped: the lost node's clients reconnect to the survivors with
 * {@code since}, and by the end every client has every event exactly once, in offset order.
 * The lost node's users leave the presence channel, announced on the other nodes.
 *
 * <p>The node lost is the one that owns the partition of {@code feed}'s history (its ring and
 * epoch), the hardest case: appends and recovery reads wait until the cluster drops that member
 * and promotes the backup. A killed process on this machine refuses connections, so that takes
 * about a second; a vanished host would take {@code hazelcast.max.no.heartbeat.seconds} (10 s in
 * {@code loopback.xml}). The waits below are bounded generously for that and for a busy machine.
 */
class DeliveryProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int NODES = 3;
  private static final int CLIENTS = 30;
  private static final int EVENTS = 400;
  /** 50 events a second: the loss falls about a third of the way into an eight-second stream. */
  private static final long PERIOD_MS = 20;

  private static final int LOSS_AT_EVENT = 130;
  /**
   * How long a lost node's users may stay in the presence list: the cluster needs up to
   * {@code hazelcast.max.no.heartbeat.seconds} (10 s) to declare a killed member dead; the rest is
   * slack for a machine shared with other builds.
   */
  private static final Duration PRESENCE_BOUND = Duration.ofSeconds(30);

  private static final String CONFIG = """
      {"channels": [
        {"pattern": "feed", "history": {"size": 10000, "ttl": "10m"}},
        {"pattern": "room:*", "presence": true, "joinLeave": true}
      ]}
      """;

  private final Vertx vertx = Vertx.vertx();
  private final List<RecoveringClient> clients = new ArrayList<>();
  private final List<HubTestClient> testClients = new ArrayList<>();
  private HubProcesses hubs;
  private String test;

  @Test
  void everyClientGetsEveryEventOnceInOrderWhenANodeIsKilled(TestInfo info) throws Exception {
    deliverAcrossTheLossOfANode(info, HubProcesses.Node::kill);
  }

  @Test
  void everyClientGetsEveryEventOnceInOrderWhenANodeStopsGracefully(TestInfo info)
      throws Exception {
    deliverAcrossTheLossOfANode(info, HubProcesses.Node::stop);
  }

  private void deliverAcrossTheLossOfANode(TestInfo info, Consumer<HubProcesses.Node> loss)
      throws Exception {
    test = info.getTestMethod().orElseThrow().getName();
    long began = System.nanoTime();
    hubs = new HubProcesses("DeliveryProcessIT/" + test, NODES, WAIT);
    Files.deleteIfExists(hubs.logs().resolve("summary.txt"));
    Path config = Files.writeString(hubs.logs().resolve("hub.json"), CONFIG);
    List<HubProcesses.Node> nodes = hubs.startAll("--config", config.toString());
    List<Integer> ports = nodes.stream().map(HubProcesses.Node::port).toList();
    List<HubTestClient> watchers = watchEveryNode(ports);
    startClients(ports);
    assertJoinsReachEveryNode(watchers);

    // The hard case: the lost node owns the history (ring and epoch), so appends and recovery
    // reads wait for the cluster to drop it and promote the backup.
    int lostIndex = hubs.ownerOf(RecoveringClient.FEED);
    int survivor = (lostIndex + 1) % NODES;
    Publishing stream = new Publishing(connect(ports.get(survivor), "publisher"));
    Awaitility.await("events published before the loss")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> stream.sent() >= LOSS_AT_EVENT);
    HubProcesses.Node lost = nodes.get(lostIndex);
    long lostAt = System.nanoTime();
    loss.accept(lost);
    Set<String> lostUsers = usersOf(lostIndex, ports);
    Duration presenceGone = awaitPresenceWithout(ports.get(survivor), lostUsers, lostAt);
    assertThat(presentUsers(ports.get(survivor)))
        .as("the lobby after the loss")
        .isEqualTo(usersExcept(lostIndex, ports));
    assertThat(lost.awaitExit(WAIT)).as("%s exits", lost.id()).isTrue();

    long first = stream.awaitAcks();
    long last = first + EVENTS - 1;
    awaitEveryClientAt(last);
    assertEveryClientHasEveryEventOnceInOrder(first, last, lostUsers);
    Duration leavesSeen = assertLeavesAnnounced(lostUsers, lostAt);
    report(began, lost.id(), presenceGone, leavesSeen, longestPause(ports.get(survivor)));
  }

  /**
   * One plain client per node, on a channel without history and on the lobby. Events published on
   * each node must reach every other before the stream starts: a node learns of the others'
   * fan-out consumers asynchronously, so probes are published until they land.
   */
  private List<HubTestClient> watchEveryNode(List<Integer> ports) {
    List<HubTestClient> watchers = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      HubTestClient watcher = connect(ports.get(i), watcherName(i));
      watcher.request(
          new JsonObject().put("type", "subscribe").put("id", "probe").put("channel", "probe"),
          WAIT);
      watchers.add(watcher);
    }
    Awaitility.await("a probe from every node reaches every node")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          for (int i = 0; i < watchers.size(); i++) {
            watchers
                .get(i)
                .send(new JsonObject()
                    .put("type", "publish")
                    .put("channel", "probe")
                    .put("event", new JsonObject().put("type", "probe").put("node", i)));
          }
          return watchers.stream()
              .allMatch(watcher -> probesFrom(watcher).size() == watchers.size());
        });
    for (HubTestClient watcher : watchers) {
      watcher.request(
          new JsonObject()
              .put("type", "subscribe")
              .put("id", "lobby")
              .put("channel", RecoveringClient.LOBBY),
          WAIT);
    }
    return watchers;
  }

  private static Set<Integer> probesFrom(HubTestClient watcher) {
    return watcher.received(frame -> "probe".equals(frame.getString("type"))).stream()
        .map(frame -> frame.getInteger("node"))
        .collect(Collectors.toSet());
  }

  /** Ten clients per node, user {@code u<i>} on node {@code i % 3}. */
  private void startClients(List<Integer> ports) {
    List<Future<Void>> started = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      RecoveringClient client = new RecoveringClient(vertx, "u" + i, ports, i % NODES);
      clients.add(client);
      started.add(client.start());
    }
    try {
      Future.all(started).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the clients did not all subscribe; see " + hubs.logs(), e);
    }
  }

  /** Every watcher, on every node, hears every client's user join the lobby. */
  private void assertJoinsReachEveryNode(List<HubTestClient> watchers) {
    Set<String> users = clients.stream().map(RecoveringClient::user).collect(Collectors.toSet());
    for (int i = 0; i < watchers.size(); i++) {
      HubTestClient watcher = watchers.get(i);
      Awaitility.await("joins on node " + (i + 1))
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> assertThat(noticed(watcher, "join"))
              .as("users announced as joining")
              .containsAll(users));
    }
  }

  private static Set<String> noticed(HubTestClient watcher, String type) {
    return watcher
        .received(frame -> type.equals(frame.getString("type"))
            && RecoveringClient.LOBBY.equals(frame.getString("channel")))
        .stream()
        .map(frame -> frame.getString("user"))
        .collect(Collectors.toSet());
  }

  /** The users in the lobby through a node: its clients and its watcher. */
  private Set<String> usersOf(int node, List<Integer> ports) {
    Set<String> users = clients.stream()
        .filter(client -> client.homePort() == ports.get(node))
        .map(RecoveringClient::user)
        .collect(Collectors.toCollection(TreeSet::new));
    users.add(watcherName(node));
    return users;
  }

  private Set<String> usersExcept(int lostIndex, List<Integer> ports) {
    Set<String> users = new TreeSet<>();
    for (int i = 0; i < NODES; i++) {
      if (i != lostIndex) {
        users.addAll(usersOf(i, ports));
      }
    }
    return users;
  }

  private static String watcherName(int node) {
    return "watcher" + node;
  }

  /** Polls a survivor's HTTP presence until none of the lost users is listed; returns how long that took. */
  private Duration awaitPresenceWithout(int port, Set<String> lostUsers, long lostAt) {
    Awaitility.await("the lost node's users leave the presence list")
        .atMost(PRESENCE_BOUND)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(presentUsers(port)).doesNotContainAnyElementsOf(lostUsers));
    return Duration.ofNanos(System.nanoTime() - lostAt);
  }

  /** The users {@code GET /api/channels/room:lobby/presence} lists (open mode: no token needed). */
  private Set<String> presentUsers(int port) throws Exception {
    JsonObject presence =
        new JsonObject(NodeHttp.get(port, "/api/channels/room:lobby/presence").body());
    return presence.getJsonArray("users").stream()
        .map(user -> ((JsonObject) user).getString("user"))
        .collect(Collectors.toSet());
  }

  private void awaitEveryClientAt(long last) {
    Awaitility.await("every client reaches offset " + last)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(clients.stream()
                .filter(client -> client.lastOffset() < last)
                .map(client -> client.user() + "@" + client.lastOffset())
                .toList())
            .as("clients behind offset %d (user@last offset); logs in %s", last, hubs.logs())
            .isEmpty());
  }

  private void assertEveryClientHasEveryEventOnceInOrder(
      long first, long last, Set<String> lostUsers) {
    List<Long> offsets = LongStream.rangeClosed(first, last).boxed().toList();
    List<Long> numbers = LongStream.rangeClosed(1, EVENTS).boxed().toList();
    SoftAssertions softly = new SoftAssertions();
    for (RecoveringClient client : clients) {
      List<Received> events = client.events();
      String who = client.user() + (lostUsers.contains(client.user()) ? " (on the lost node)" : "");
      softly.assertThat(client.problems()).as("%s: protocol problems", who).isEmpty();
      softly
          .assertThat(events.stream().map(Received::offset).toList())
          .as("%s: offsets, each once, in order, no gap", who)
          .isEqualTo(offsets);
      softly
          .assertThat(events.stream().map(Received::n).toList())
          .as("%s: event numbers, each once", who)
          .containsExactlyInAnyOrderElementsOf(numbers);
      softly
          .assertThat(events.stream().map(Received::epoch).distinct().toList())
          .as("%s: epochs", who)
          .hasSize(1);
      if (lostUsers.contains(client.user())) {
        softly
            .assertThat(client.recoveries())
            .as("%s: resubscribed with since and recovered", who)
            .isPositive();
      }
    }
    softly.assertAll();
  }

  /**
   * The clients that stayed in the lobby, on the surviving nodes, hear each lost user leave and no
   * one else; returns how long after the loss the last leave arrived.
   */
  private Duration assertLeavesAnnounced(Set<String> lostUsers, long lostAt) {
    List<RecoveringClient> stayed =
        clients.stream().filter(client -> !lostUsers.contains(client.user())).toList();
    Awaitility.await("leaves announced on the surviving nodes")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          for (RecoveringClient client : stayed) {
            assertThat(leaves(client))
                .as("%s: users announced as leaving", client.user())
                .containsAll(lostUsers);
          }
        });
    long latest = lostAt;
    for (RecoveringClient client : stayed) {
      assertThat(leaves(client))
          .as("%s: users announced as leaving", client.user())
          .containsExactlyInAnyOrderElementsOf(lostUsers);
      latest = Math.max(
          latest,
          client.presenceNotices().stream()
              .filter(n -> "leave".equals(n.getString("type")))
              .mapToLong(n -> n.getLong("receivedNanos"))
              .max()
              .orElse(lostAt));
    }
    return Duration.ofNanos(latest - lostAt);
  }

  private static List<String> leaves(RecoveringClient client) {
    return client.presenceNotices().stream()
        .filter(notice -> "leave".equals(notice.getString("type")))
        .map(notice -> notice.getString("user"))
        .toList();
  }

  /**
   * The longest wait between two events at the clients of a surviving node: about the publishing
   * period, unless appends stalled because the lost node owned the history's partition.
   */
  private Duration longestPause(int port) {
    long longest = 0;
    for (RecoveringClient client : clients) {
      List<Received> events = client.homePort() == port ? client.events() : List.of();
      for (int i = 1; i < events.size(); i++) {
        longest =
            Math.max(longest, events.get(i).receivedNanos() - events.get(i - 1).receivedNanos());
      }
    }
    return Duration.ofNanos(longest);
  }

  /** One line per run, in the log directory and the output: what a slow or stalled run looked like. */
  private void report(
      long began, String lost, Duration presenceGone, Duration leavesSeen, Duration pause)
      throws Exception {
    String line = String.format(
        "%s: lost %s (owner of the history); presence cleared %d ms after the loss,"
            + " last leave at %d ms, longest pause in the stream %d ms, %d s in all",
        test,
        lost,
        presenceGone.toMillis(),
        leavesSeen.toMillis(),
        pause.toMillis(),
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    Files.writeString(hubs.logs().resolve("summary.txt"), line + System.lineSeparator());
    System.out.println(line);
  }

  private HubTestClient connect(int port, String user) {
    HubTestClient client = HubTestClient.connect(vertx, port, "/ws?user=" + user, WAIT);
    testClients.add(client);
    return client;
  }

  /**
   * Numbered events on {@code feed} at a steady rate from a client of a node that survives; each
   * publish asks for an ack, which carries the event's offset.
   */
  private final class Publishing {
    private final HubTestClient publisher;
    private final AtomicInteger sent = new AtomicInteger();

    Publishing(HubTestClient publisher) {
      this.publisher = publisher;
      vertx.setPeriodic(PERIOD_MS, this::publishNext);
    }

    private void publishNext(long timer) {
      int n = sent.get() + 1;
      if (n > EVENTS) {
        vertx.cancelTimer(timer);
        return;
      }
      publisher.send(new JsonObject()
          .put("type", "publish")
          .put("id", n)
          .put("channel", RecoveringClient.FEED)
          .put("event", new JsonObject().put("type", "tick").put("n", n)));
      sent.set(n);
    }

    int sent() {
      return sent.get();
    }

    /**
     * Waits for an ack of every event, fails on any error, and checks that the acks' offsets are
     * one per event with no gap.
     *
     * @return the first event's offset
     */
    long awaitAcks() {
      Awaitility.await("every event acknowledged")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> publisher
                  .received(frame -> Set.of("ack", "error").contains(frame.getString("type")))
                  .size()
              >= EVENTS);
      assertThat(publisher.received(frame -> "error".equals(frame.getString("type"))))
          .as("publish errors")
          .isEmpty();
      List<JsonObject> acks = publisher.received(frame -> "ack".equals(frame.getString("type")));
      Set<Integer> ids = acks.stream().map(ack -> ack.getInteger("id")).collect(Collectors.toSet());
      assertThat(ids).as("acked events").hasSize(EVENTS);
      long first = acks.stream().mapToLong(ack -> ack.getLong("offset")).min().orElseThrow();
      assertThat(acks.stream().map(ack -> ack.getLong("offset")).collect(Collectors.toSet()))
          .as("acked offsets: one per event, with no gap")
          .isEqualTo(LongStream.range(first, first + EVENTS).boxed().collect(Collectors.toSet()));
      return first;
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      Future.join(clients.stream().map(RecoveringClient::close).toList())
          .await(10, TimeUnit.SECONDS);
      testClients.forEach(HubTestClient::close);
    } finally {
      // The children and the Vert.x go whatever happened to the clients.
      if (hubs != null) {
        hubs.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
