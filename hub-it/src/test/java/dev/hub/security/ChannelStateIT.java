package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-channel state in the cluster (issue 10, item 7): on today's main, asking a wildcard history
 * pattern about 500 names made 500 rings of the pattern's whole capacity, an epoch entry and a
 * proxy each, forever. Here state is made only by events, a client may start only so many channels
 * with history, the cluster holds only so many, and an idle channel nobody listens to is freed.
 * Two real Hazelcast members; the state is read from Hazelcast itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChannelStateIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final int CLUSTER_CHANNELS = 40;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(
      2,
      settings -> settings
          .put(
              "channels",
              new JsonArray()
                  .add(new JsonObject()
                      .put("pattern", "room:*")
                      .put("history", new JsonObject().put("size", 100_000)))
                  .add(new JsonObject()
                      .put("pattern", "brief:*")
                      .put("history", new JsonObject().put("size", 10).put("ttl", "1s"))))
          .put(
              "limits",
              new JsonObject()
                  .put("historyChannels", CLUSTER_CHANNELS)
                  .put("newChannelsPerSecond", 2)
                  .put("historyTimeoutMs", 2_000)
                  .put("subscriptions", 1000)
                  .put("ratePerSecond", 10_000)
                  .put("burst", 10_000)));

  @Test
  @Order(1)
  void askingAboutFiveHundredChannelsCreatesNothingInTheCluster() {
    HubCluster cluster = hub.cluster();
    HubTestClient client = cluster.connect(0, "curious");
    for (int i = 0; i < 500; i++) {
      JsonObject history = client.request(
          new JsonObject()
              .put("type", "history")
              .put("id", "h" + i)
              .put("channel", "room:asked-" + i)
              .put("limit", 1),
          WAIT);
      assertThat(history.getJsonArray("messages"))
          .as("history of a channel that never had an event")
          .isEmpty();
      assertThat(history.getLong("offset")).isZero();
      assertThat(history.getString("epoch")).isNull();
    }
    for (int i = 0; i < 300; i++) {
      JsonObject subscribed = client.request(
          new JsonObject()
              .put("type", "subscribe")
              .put("id", "s" + i)
              .put("channel", "room:asked-" + i),
          WAIT);
      assertThat(subscribed.getString("type")).isEqualTo("subscribed");
      assertThat(subscribed.getString("epoch")).isNull();
    }
    for (int node = 0; node < 2; node++) {
      HazelcastInstance hazelcast = HubCluster.hazelcast(cluster.node(node));
      assertThat(historyRings(hazelcast))
          .as("rings (and their proxies) on member %d", node)
          .isEmpty();
      assertThat(hazelcast.getMap("hub.epochs").size()).as("epoch entries").isZero();
    }
  }

  @Test
  @Order(2)
  void aClientStartsNewChannelsWithHistoryOnlyAsFastAsItsBudget() {
    HubTestClient client = hub.cluster().connect(1, "inventive");
    List<JsonObject> replies = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      replies.add(client.request(publish("p" + i, "room:invented-" + i), WAIT));
    }
    long acked =
        replies.stream().filter(reply -> "ack".equals(reply.getString("type"))).count();
    List<JsonObject> refused = replies.stream()
        .filter(reply -> "error".equals(reply.getString("type")))
        .toList();
    // A burst of twice the rate (4), and maybe one more refilled while the twelve went by.
    assertThat(acked).as("new channels acknowledged out of 12 sent at once").isBetween(4L, 6L);
    assertThat(refused)
        .extracting(error -> error.getString("code"))
        .containsOnly("too_many_channels");
    // Publishing to a channel that exists costs nothing from the budget.
    JsonObject again = client.request(publish("again", "room:invented-0"), WAIT);
    assertThat(again.getString("type")).isEqualTo("ack");
    assertThat(again.getLong("offset")).isEqualTo(2L);
  }

  @Test
  @Order(4)
  void theClusterHoldsNoMoreChannelsWithHistoryThanItsLimit() {
    HubCluster cluster = hub.cluster();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < CLUSTER_CHANNELS + 10; i++) {
      // One connection per channel: each client's own budget allows it, the cluster's total
      // decides.
      try (HubTestClient client = cluster.connect(i % 2, "many-" + i)) {
        JsonObject reply = client.request(publish("c", "room:crowd-" + i), WAIT);
        codes.add("ack".equals(reply.getString("type")) ? "ack" : reply.getString("code"));
      }
    }
    assertThat(codes).contains("too_many_channels");
    int rings = historyRings(HubCluster.hazelcast(cluster.node(0))).size();
    assertThat(rings)
        .as("channels with history in the cluster")
        .isLessThanOrEqualTo(CLUSTER_CHANNELS + 1);
  }

  @Test
  @Order(3)
  void anIdleChannelNobodyListensToIsFreedAndOneWithASubscriberIsKept() {
    HubCluster cluster = hub.cluster();
    HubTestClient publisher = cluster.connect(0, "brief-publisher");
    HubTestClient listener = cluster.connect(1, "brief-listener");
    listener.request(
        new JsonObject().put("type", "subscribe").put("id", "s").put("channel", "brief:kept"),
        WAIT);
    assertThat(publisher.request(publish("a", "brief:gone"), WAIT).getString("type"))
        .isEqualTo("ack");
    assertThat(publisher.request(publish("b", "brief:kept"), WAIT).getString("type"))
        .isEqualTo("ack");
    HazelcastInstance hazelcast = HubCluster.hazelcast(cluster.node(0));
    assertThat(ringNames(hazelcast))
        .anyMatch(name -> name.contains("brief:gone"))
        .anyMatch(n -> n.contains("brief:kept"));

    // Retention 1 s, sweeps every second, and the ring outlives its epoch by the call timeout + 5
    // s.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(ringNames(hazelcast)).noneMatch(name -> name.contains("brief:gone")));
    JsonObject history = publisher.request(
        new JsonObject().put("type", "history").put("id", "h").put("channel", "brief:gone"), WAIT);
    assertThat(history.getString("epoch"))
        .as("a freed channel has no epoch until its next event")
        .isNull();
    assertThat(ringNames(hazelcast))
        .as("a channel with a subscriber is kept")
        .anyMatch(n -> n.contains("brief:kept"));
    assertThat(hazelcast.getMap("hub.epochs").containsKey("brief:kept")).isTrue();
  }

  private static JsonObject publish(String id, String channel) {
    return new JsonObject()
        .put("type", "publish")
        .put("id", id)
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "note"));
  }

  private static List<DistributedObject> historyRings(HazelcastInstance hazelcast) {
    return hazelcast.getDistributedObjects().stream()
        .filter(object -> object.getServiceName().equals("hz:impl:ringbufferService"))
        .filter(object -> object.getName().startsWith("hub.history."))
        .toList();
  }

  private static List<String> ringNames(HazelcastInstance hazelcast) {
    return historyRings(hazelcast).stream().map(DistributedObject::getName).toList();
  }
}
