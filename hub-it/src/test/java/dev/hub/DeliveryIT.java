package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History ordering, presence and rpc across three clustered nodes. The node crash runs last: it
 * takes a node away from the class's cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(3, settings -> settings.put("channels", new JsonArray()
      .add(new JsonObject().put("pattern", "feed").put("history", new JsonObject().put("size", 10_000).put("ttl", "10m")))
      .add(new JsonObject().put("pattern", "room:*").put("presence", true).put("joinLeave", true))));

  @Test
  @Order(1)
  void twoPublishersOnTwoNodesGiveEverySubscriberOneSequenceWithNoGap() {
    HubCluster cluster = hub.cluster();
    List<HubTestClient> subscribers = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      for (int i = 0; i < 2; i++) {
        HubTestClient subscriber = cluster.connect(node, "reader-" + node + "-" + i);
        subscriber.request(frame("subscribe", "s").put("channel", "feed"), WAIT);
        subscribers.add(subscriber);
      }
    }
    HubTestClient writerA = cluster.connect(0, "writer-a");
    HubTestClient writerB = cluster.connect(1, "writer-b");
    int perWriter = 150;
    // Both writers send everything at once: their appends interleave in the history, and each
    // node hears the two streams in whatever order the network gives.
    for (int n = 0; n < perWriter; n++) {
      writerA.send(publishFeed("a", n));
      writerB.send(publishFeed("b", n));
    }
    int total = 2 * perWriter;
    for (HubTestClient subscriber : subscribers) {
      Awaitility.await().atMost(WAIT).until(() -> subscriber.received(DeliveryIT::isTick).size() >= total);
    }
    List<Long> expected = IntStream.rangeClosed(1, total).mapToLong(i -> i).boxed().toList();
    List<String> firstOrder = names(subscribers.get(0));
    for (HubTestClient subscriber : subscribers) {
      List<JsonObject> ticks = subscriber.received(DeliveryIT::isTick);
      assertThat(ticks).extracting(t -> t.getLong("offset")).as("offsets").containsExactlyElementsOf(expected);
      assertThat(names(subscriber)).as("the same events at the same offsets everywhere").isEqualTo(firstOrder);
      assertThat(ticks).extracting(t -> t.getString("epoch")).containsOnly(ticks.get(0).getString("epoch"));
    }
    assertThat(firstOrder).hasSize(total).doesNotHaveDuplicates();
    subscribers.forEach(HubTestClient::close);
  }

  @Test
  @Order(2)
  void presenceIsClusterWideAndJoinsArriveOnOtherNodes() {
    HubCluster cluster = hub.cluster();
    HubTestClient carol = cluster.connect(1, "carol");
    carol.request(frame("subscribe", "s").put("channel", "room:lobby"), WAIT);
    HubTestClient alice = cluster.connect(0, "alice");
    HubTestClient bob = cluster.connect(2, "bob");
    alice.request(frame("subscribe", "s").put("channel", "room:lobby"), WAIT);
    bob.request(frame("subscribe", "s").put("channel", "room:lobby"), WAIT);
    carol.await(f -> "join".equals(f.getString("type")) && "alice".equals(f.getString("user")), WAIT);
    carol.await(f -> "join".equals(f.getString("type")) && "bob".equals(f.getString("user")), WAIT);
    JsonObject presence = carol.request(frame("presence", "p").put("channel", "room:lobby"), WAIT);
    assertThat(users(presence)).containsExactlyInAnyOrder("alice", "bob", "carol");

    bob.request(frame("unsubscribe", "u").put("channel", "room:lobby"), WAIT);
    alice.await(f -> "leave".equals(f.getString("type")) && "bob".equals(f.getString("user")), WAIT);
    assertThat(users(alice.request(frame("presence", "p2").put("channel", "room:lobby"), WAIT)))
        .containsExactlyInAnyOrder("alice", "carol");
    List.of(alice, bob, carol).forEach(HubTestClient::close);
  }

  @Test
  @Order(3)
  void rpcReachesAServiceInAnotherJvmAndEveryFailureHasItsCode() {
    HubCluster cluster = hub.cluster();
    Vertx service = cluster.startService();
    service.eventBus().<JsonObject>consumer("inventory.check", message -> message.reply(new JsonObject()
        .put("sku", message.body().getString("sku")).put("inStock", 3).put("for", message.headers().get("hub-user"))))
        .completion().await();
    service.eventBus().consumer("inventory.fail", message -> message.fail(409, "sku retired")).completion().await();
    service.eventBus().consumer("inventory.slow", message -> { }).completion().await();
    HubTestClient client = cluster.connect(1, "dave");
    JsonObject result = client.request(frame("rpc", "r1").put("address", "inventory.check")
        .put("body", new JsonObject().put("sku", "X-1")), WAIT);
    assertThat(result.getString("type")).isEqualTo("rpc_result");
    assertThat(result.getJsonObject("body"))
        .isEqualTo(new JsonObject().put("sku", "X-1").put("inStock", 3).put("for", "dave"));
    assertThat(codeOf(client, frame("rpc", "r2").put("address", "inventory.fail"))).isEqualTo("rpc_failed");
    assertThat(codeOf(client, frame("rpc", "r3").put("address", "inventory.slow").put("timeout", 300)))
        .isEqualTo("timeout");
    assertThat(codeOf(client, frame("rpc", "r4").put("address", "nobody.home"))).isEqualTo("no_handler");
    assertThat(codeOf(client, frame("rpc", "r5").put("address", "hub.fanout"))).isEqualTo("forbidden");
    client.close();
  }

  @Test
  @Order(4)
  void usersOfANodeThatDiesLeavePresenceAndTheOthersHearIt() {
    HubCluster cluster = hub.cluster();
    HubTestClient watcher = cluster.connect(0, "watcher");
    watcher.request(frame("subscribe", "s").put("channel", "room:crash"), WAIT);
    HubTestClient doomed = cluster.connect(2, "erin");
    doomed.request(frame("subscribe", "s").put("channel", "room:crash"), WAIT);
    watcher.await(f -> "join".equals(f.getString("type")) && "erin".equals(f.getString("user")), WAIT);

    cluster.crashNode(2);
    watcher.await(f -> "leave".equals(f.getString("type")) && "erin".equals(f.getString("user")), WAIT);
    assertThat(users(watcher.request(frame("presence", "p").put("channel", "room:crash"), WAIT)))
        .containsExactly("watcher");
  }

  private static String codeOf(HubTestClient client, JsonObject request) {
    JsonObject reply = client.request(request, WAIT);
    assertThat(reply.getString("type")).isEqualTo("error");
    return reply.getString("code");
  }

  private static List<String> users(JsonObject presence) {
    return presence.getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("user")).toList();
  }

  private static boolean isTick(JsonObject frame) {
    return "tick".equals(frame.getString("type"));
  }

  private static List<String> names(HubTestClient subscriber) {
    return subscriber.received(DeliveryIT::isTick).stream().map(t -> t.getString("name")).toList();
  }

  private static JsonObject publishFeed(String writer, int n) {
    return new JsonObject().put("type", "publish").put("channel", "feed")
        .put("event", new JsonObject().put("type", "tick").put("name", writer + n));
  }

  private static JsonObject frame(String type, String id) {
    return new JsonObject().put("type", type).put("id", id);
  }
}
