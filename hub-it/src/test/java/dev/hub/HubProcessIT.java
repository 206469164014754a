package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two hub JVMs started from the built jar, as a user runs them: they form a cluster, an event
 * published on one reaches a client of the other, and a graceful stop (SIGTERM) of one sends its
 * clients {@code reconnect} and close 1012, then ends the process.
 */
class HubProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx();
  private final List<HubTestClient> clients = new ArrayList<>();
  private HubProcesses hubs;

  @Test
  void twoJvmsDeliverToEachOtherAndStopGracefully() throws Exception {
    hubs = new HubProcesses("HubProcessIT", 2, WAIT);
    int port1 = hubs.start(0).port();
    HubProcesses.Node node2 = hubs.start(1);
    int port2 = node2.port();

    HubTestClient client1 = connect(port1);
    HubTestClient client2 = connect(port2);
    client2.request(
        new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"), WAIT);
    // The first node learns of the second's fan-out consumer asynchronously: publish until it
    // lands.
    Awaitility.await("an event from node 1 reaches node 2")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          client1.send(new JsonObject()
              .put("type", "publish")
              .put("channel", "tasks")
              .put("event", new JsonObject().put("type", "task_created").put("taskId", 1)));
          return !client2
              .received(f -> "task_created".equals(f.getString("type")))
              .isEmpty();
        });
    JsonObject event = client2.awaitType("task_created", WAIT);
    assertThat(event.getString("channel")).isEqualTo("tasks");
    assertThat(event.getInteger("taskId")).isEqualTo(1);

    node2.stop(); // SIGTERM: the hub's shutdown hook drains its clients
    assertThat(client2.awaitType("reconnect", WAIT)).isNotNull();
    assertThat(client2.awaitClose(WAIT)).isEqualTo(1012);
    assertThat(node2.awaitExit(WAIT)).as("node 2 exits").isTrue();
    assertThat(client1.isClosed()).as("node 1's client is untouched").isFalse();
  }

  private HubTestClient connect(int port) {
    HubTestClient client = HubTestClient.connect(vertx, port, "/ws", WAIT);
    clients.add(client);
    return client;
  }

  @AfterEach
  void stopEverything() throws Exception {
    clients.forEach(HubTestClient::close);
    if (hubs != null) {
      hubs.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
