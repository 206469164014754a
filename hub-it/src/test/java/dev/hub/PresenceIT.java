package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Presence through races, splits, a node's death and odd members, on real in-JVM clusters: each
 * test starts its own, because a split, a dead node or a refused node changes the cluster for good.
 * Presence on live nodes (counts, join and leave) is the delivery contract's
 * ({@code dev.hub.contract.DeliveryContract}).
 */
class PresenceIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final UnaryOperator<JsonObject> ROOMS = settings -> settings.put(
      "channels",
      new JsonArray()
          .add(new JsonObject()
              .put("pattern", "room:*")
              .put("presence", true)
              .put("joinLeave", true)));

  @Test
  void oneUserSubscribingAndUnsubscribingOnTwoNodesAtOnceJoinsOnceAndLeavesOnce() {
    try (HubCluster cluster = HubCluster.start(2, ROOMS)) {
      HubTestClient watcher = cluster.connect(0, "watcher");
      watcher.request(subscribe("room:race"), WAIT);
      int rounds = 30;
      for (int round = 0; round < rounds; round++) {
        String user = "racer-" + round;
        HubTestClient one = cluster.connect(0, user);
        HubTestClient two = cluster.connect(1, user);
        // Sent together, so the two nodes record the same user's presence at the same moment.
        one.send(subscribe("room:race"));
        two.send(subscribe("room:race"));
        one.awaitType("subscribed", WAIT);
        two.awaitType("subscribed", WAIT);
        one.send(unsubscribe("room:race"));
        two.send(unsubscribe("room:race"));
        one.awaitType("unsubscribed", WAIT);
        two.awaitType("unsubscribed", WAIT);
        one.close();
        two.close();
      }
      Map<String, Integer> once = new TreeMap<>();
      for (int round = 0; round < rounds; round++) {
        once.put("racer-" + round, 1);
      }
      // Every user's first join and last leave must come; then a marker from each node, sent after
      // all of them, comes after any duplicate (the event bus keeps one sender's order).
      Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        assertThat(counts(watcher, "join")).as("joins").containsOnlyKeys(once.keySet());
        assertThat(counts(watcher, "leave")).as("leaves").containsOnlyKeys(once.keySet());
      });
      for (int node = 0; node < 2; node++) {
        HubTestClient marker = cluster.connect(node, "marker");
        marker.request(publish("room:race", "marker-" + node), WAIT);
        String name = "marker-" + node;
        watcher.await(f -> name.equals(f.getString("name")), WAIT);
        marker.close();
      }
      assertThat(counts(watcher, "join")).as("joins per user").isEqualTo(once);
      assertThat(counts(watcher, "leave")).as("leaves per user").isEqualTo(once);
      assertThat(users(watcher.request(presence("room:race"), WAIT))).containsExactly("watcher");
    }
  }

  @Test
  void aNodeSplitOffAndMergedBackKeepsItsUsersAndLeavesNoGhost() {
    try (HubCluster cluster = HubCluster.start(3, ROOMS)) {
      HubTestClient watcher = cluster.connect(0, "watcher");
      watcher.request(subscribe("room:split"), WAIT);
      HubTestClient mia = cluster.connect(2, "mia");
      mia.request(subscribe("room:split"), WAIT);
      HubTestClient ned = cluster.connect(2, "ned");
      ned.request(subscribe("room:split"), WAIT);
      awaitPresenceEvent(watcher, "join", "mia");
      awaitPresenceEvent(watcher, "join", "ned");

      cluster.splitNode(2);
      // The survivors count node 3's users gone, as they must: they cannot tell a split from a
      // death.
      awaitPresenceEvent(watcher, "leave", "mia");
      awaitPresenceEvent(watcher, "leave", "ned");
      // ned leaves while the split lasts: only node 3's side hears it.
      ned.close();

      cluster.awaitMembers(3);
      // mia is still connected: once merged back, her node puts her back, and says so.
      awaitPresenceEvent(watcher, "join", "mia");
      for (int node = 0; node < 3; node++) {
        HubTestClient asker = cluster.connect(node, "asker-" + node);
        Awaitility.await()
            .atMost(WAIT)
            .untilAsserted(() -> assertThat(users(asker.request(presence("room:split"), WAIT)))
                .containsExactlyInAnyOrder("mia", "watcher"));
        asker.close();
      }

      cluster.crashNode(2);
      awaitPresenceEvent(watcher, "leave", "mia");
      Awaitility.await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(users(watcher.request(presence("room:split"), WAIT)))
              .containsExactly("watcher"));
    }
  }

  @Test
  void usersOfANodeThatDiesLeavePresenceAndTheOthersHearIt() {
    try (HubCluster cluster = HubCluster.start(3, ROOMS)) {
      HubTestClient watcher = cluster.connect(0, "watcher");
      watcher.request(subscribe("room:crash"), WAIT);
      HubTestClient doomed = cluster.connect(2, "erin");
      doomed.request(subscribe("room:crash"), WAIT);
      awaitPresenceEvent(watcher, "join", "erin");

      cluster.crashNode(2);
      awaitPresenceEvent(watcher, "leave", "erin");
      assertThat(users(watcher.request(presence("room:crash"), WAIT))).containsExactly("watcher");
    }
  }

  @Test
  void aNodeWhoseIdAnotherMemberHasIsRefusedAndTheOtherKeepsItsPresence() {
    try (HubCluster cluster = HubCluster.start(2, ROOMS)) {
      HubTestClient ann = cluster.connect(0, "ann");
      ann.request(subscribe("room:twins"), WAIT);

      assertThatThrownBy(() -> cluster.startNode("node-1"))
          .hasMessageContaining("node-1")
          .hasMessageContaining("already");

      cluster.awaitMembers(2);
      HubTestClient asker = cluster.connect(1, "asker");
      // The refused node was briefly a member: its leaving must not take node-1's entries.
      assertThat(users(asker.request(presence("room:twins"), WAIT))).containsExactly("ann");
      assertThat(cluster.startNode("node-3").nodeId()).isEqualTo("node-3");
    }
  }

  @Test
  void aServiceJoinsAsALiteMemberAndADataMemberThatIsNoHubNodeIsReported() {
    try (HubCluster cluster = HubCluster.start(1, ROOMS)) {
      Vertx service = cluster.startService();
      assertThat(HubCluster.hazelcast(service).getCluster().getLocalMember().isLiteMember())
          .as("a service member is lite")
          .isTrue();
      assertThat(NodeHttp.metric(cluster.node(0), "hub_cluster_foreign_data_members"))
          .isEqualTo(0);

      cluster.startDataMember();
      Awaitility.await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(NodeHttp.metric(cluster.node(0), "hub_cluster_foreign_data_members"))
                  .isEqualTo(1));
    }
  }

  private static void awaitPresenceEvent(HubTestClient client, String type, String user) {
    client.await(f -> type.equals(f.getString("type")) && user.equals(f.getString("user")), WAIT);
  }

  private static Map<String, Integer> counts(HubTestClient watcher, String type) {
    Map<String, Integer> counts = new TreeMap<>();
    watcher
        .received(
            f -> type.equals(f.getString("type")) && f.getString("user", "").startsWith("racer-"))
        .forEach(f -> counts.merge(f.getString("user"), 1, Integer::sum));
    return counts;
  }

  private static List<String> users(JsonObject presence) {
    return presence.getJsonArray("users").stream()
        .map(u -> ((JsonObject) u).getString("user"))
        .toList();
  }

  private static JsonObject subscribe(String channel) {
    return new JsonObject().put("type", "subscribe").put("id", "s").put("channel", channel);
  }

  private static JsonObject unsubscribe(String channel) {
    return new JsonObject().put("type", "unsubscribe").put("id", "u").put("channel", channel);
  }

  private static JsonObject presence(String channel) {
    return new JsonObject().put("type", "presence").put("id", "p").put("channel", channel);
  }

  private static JsonObject publish(String channel, String name) {
    return new JsonObject()
        .put("type", "publish")
        .put("id", "m")
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "marker").put("name", name));
  }
}
