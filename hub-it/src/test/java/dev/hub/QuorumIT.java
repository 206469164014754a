package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A node that no longer sees a majority of the cluster it is meant to have (docs/protocol.md
 * section 10) numbers no event and serves no history: it refuses with {@code unavailable} at once
 * rather than hang, reports not ready, and tells its clients to reconnect elsewhere; channels
 * without history go on working. Three in-JVM members with {@code cluster.size 3}, two of which
 * vanish together.
 */
class QuorumIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;

  @Test
  void aNodeThatLosesTheMajorityRefusesHistoryAtOnceAndSendsItsClientsAway() throws Exception {
    try (HubCluster cluster = HubCluster.start(
        3,
        settings -> settings
            .put(
                "channels",
                new JsonArray()
                    .add(new JsonObject()
                        .put("pattern", "ledger-*")
                        .put("history", new JsonObject().put("size", 100))))
            .put("cluster", settings.getJsonObject("cluster").put("size", 3)))) {
      HubTestClient survivor = cluster.connect(0, "survivor");
      JsonObject before = survivor.request(publish("before", "ledger-q"), WAIT);
      assertThat(before.getString("type")).isEqualTo("ack");
      assertThat(NodeHttp.get(cluster.node(0), "/ready").statusCode()).isEqualTo(200);

      cluster.crashNode(1);
      cluster.crashNode(2);

      assertThat(survivor.awaitType("reconnect", WAIT))
          .as("clients are sent to a node that can serve them")
          .isNotNull();
      Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        HttpResponse<String> ready = NodeHttp.get(cluster.node(0), "/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("quorum");
      });
      HubTestClient late = cluster.connect(0, "late");
      long asked = System.nanoTime();
      JsonObject refused = late.request(publish("during", "ledger-q"), WAIT);
      Duration took = Duration.ofNanos(System.nanoTime() - asked);
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      assertThat(took)
          .as("refused at once, not after Hazelcast's timeouts")
          .isLessThan(Duration.ofSeconds(2));
      JsonObject history = late.request(
          new JsonObject().put("type", "history").put("id", "h").put("channel", "ledger-q"), WAIT);
      assertThat(history.getString("code")).isEqualTo("unavailable");
      JsonObject plain = late.request(
          new JsonObject()
              .put("type", "publish")
              .put("id", "plain")
              .put("channel", "chat")
              .put("event", new JsonObject().put("type", "note")),
          WAIT);
      assertThat(plain.getString("type"))
          .as("a channel without history needs no majority")
          .isEqualTo("ack");
    }
  }

  private static JsonObject publish(String id, String channel) {
    return new JsonObject()
        .put("type", "publish")
        .put("id", id)
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "note"));
  }
}
