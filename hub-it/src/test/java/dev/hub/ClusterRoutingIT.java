package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hub.publisher.HubPublisher;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three clustered nodes, clients on every node: each event reaches exactly the connections of its
 * audience, each exactly once, whichever node or service published it.
 *
 * <p>Absence and "once" are checked without sleeping: after an event, every node publishes a
 * fence broadcast, and the counts are read once every client has every fence. Events from one node
 * to another travel in order, so anything the event caused has arrived by then.
 */
class ClusterRoutingIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(3);

  private static final AtomicInteger fences = new AtomicInteger();
  private static HubTestClient alice1;
  private static HubTestClient bob1;
  private static HubTestClient carol2;
  private static HubTestClient dave2;
  private static HubTestClient alice3;
  private static HubTestClient erin3;
  private static List<HubTestClient> everyone;
  private static Vertx service;

  @BeforeAll
  static void connectClients() {
    HubCluster cluster = hub.cluster();
    alice1 = cluster.connect(0, "alice");
    bob1 = cluster.connect(0, "bob");
    carol2 = cluster.connect(1, "carol");
    dave2 = cluster.connect(1, "dave");
    alice3 = cluster.connect(2, "alice");
    erin3 = cluster.connect(2, "erin");
    everyone = List.of(alice1, bob1, carol2, dave2, alice3, erin3);
    for (HubTestClient subscriber : List.of(bob1, carol2, erin3)) {
      assertThat(subscriber.request(frame("subscribe", "s").put("channel", "tasks"), WAIT).getString("type"))
          .isEqualTo("subscribed");
    }
    service = cluster.startService();
  }

  @Test
  void broadcastFromAClientOnNodeOneReachesEveryConnectionOnce() {
    bob1.send(new JsonObject().put("type", "chat").put("payload", new JsonObject().put("message", "Hello")));
    fence();
    for (HubTestClient client : everyone) {
      List<JsonObject> chats = client.received(f -> "chat".equals(f.getString("type")));
      assertThat(chats).hasSize(1);
      assertThat(chats.get(0).getJsonObject("payload").getString("message")).isEqualTo("Hello");
      assertThat(chats.get(0).getString("from")).isEqualTo("bob");
    }
  }

  @Test
  void channelPublishFromNodeTwoReachesOnlySubscribersOnce() {
    JsonObject ack = dave2.request(frame("publish", "p1").put("channel", "tasks")
        .put("event", new JsonObject().put("type", "task_created").put("taskId", 124)), WAIT);
    assertThat(ack.getString("type")).isEqualTo("ack");
    fence();
    assertThat(countOf(124)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "alice1", 0, "bob1", 1, "carol2", 1, "dave2", 0, "alice3", 0, "erin3", 1));
    JsonObject event = erin3.received(f -> Integer.valueOf(124).equals(f.getInteger("taskId"))).get(0);
    assertThat(event.getString("channel")).isEqualTo("tasks");
    assertThat(event.getString("from")).isEqualTo("dave");
    assertThat(event.getString("timestamp")).isNotBlank();
  }

  @Test
  void directToAUserOnNodesOneAndThreeReachesBothOfItsConnectionsOnly() {
    JsonObject ack = carol2.request(frame("direct", "d1").put("user", "alice")
        .put("event", new JsonObject().put("type", "duty-update").put("dutyId", 9)), WAIT);
    assertThat(ack.getString("type")).isEqualTo("ack");
    fence();
    for (HubTestClient client : everyone) {
      int expected = client == alice1 || client == alice3 ? 1 : 0;
      assertThat(client.received(f -> "duty-update".equals(f.getString("type")))).hasSize(expected);
    }
  }

  @Test
  void publishFromAJvmServiceThatIsNotAHubNodeReachesSubscribersOnce() throws Exception {
    HubPublisher publisher = new HubPublisher(service.eventBus());
    HubPublisher.Receipt receipt = publisher
        .toChannel("tasks", new JsonObject().put("type", "task_created").put("taskId", 500))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(receipt.offset()).isNull();
    fence();
    assertThat(countOf(500)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "alice1", 0, "bob1", 1, "carol2", 1, "dave2", 0, "alice3", 0, "erin3", 1));
  }

  @Test
  void aServiceRequestWithoutAnEventIsRefusedWithTheReason() {
    HubPublisher publisher = new HubPublisher(service.eventBus());
    assertThatThrownBy(() -> publisher.toChannel("tasks", null).await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ReplyException.class)
        .hasMessageStartingWith("invalid_frame")
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(400));
  }

  private static Map<String, Integer> countOf(int taskId) {
    Map<String, HubTestClient> named = Map.of("alice1", alice1, "bob1", bob1, "carol2", carol2,
        "dave2", dave2, "alice3", alice3, "erin3", erin3);
    java.util.HashMap<String, Integer> counts = new java.util.HashMap<>();
    named.forEach((name, client) -> counts.put(name,
        client.received(f -> Integer.valueOf(taskId).equals(f.getInteger("taskId"))).size()));
    return counts;
  }

  /** A broadcast from a client on every node; returns once every client has all of them. */
  private static void fence() {
    int n = fences.incrementAndGet();
    for (HubTestClient sender : List.of(alice1, carol2, erin3)) {
      sender.request(frame("broadcast", "fence-" + n + "-" + sender.hashCode())
          .put("event", new JsonObject().put("type", "fence").put("n", n)), WAIT);
    }
    for (HubTestClient client : everyone) {
      for (int i = 0; i < 3; i++) {
        client.await(f -> "fence".equals(f.getString("type")) && Integer.valueOf(n).equals(f.getInteger("n")), WAIT);
      }
    }
  }

  private static JsonObject frame(String type, String id) {
    return new JsonObject().put("type", type).put("id", id);
  }
}
