package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
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
 * clients {@code reconnect} and close 1012, then ends the process. The first runs on the transport
 * a node picks by itself (epoll on Linux x86-64, where CI runs), the second is told
 * {@code --transport nio}: a cluster mid-way through a change of transport works.
 */
class HubProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx();
  private final List<HubTestClient> clients = new ArrayList<>();
  private HubProcesses hubs;

  @Test
  void twoJvmsDeliverToEachOtherAndStopGracefully() throws Exception {
    hubs = new HubProcesses("HubProcessIT", 2, WAIT);
    HubProcesses.Node node1 = hubs.start(0);
    int port1 = node1.port();
    HubProcesses.Node node2 = hubs.start(1, "--transport", "nio");
    int port2 = node2.port();
    assertThat(Files.readString(node1.log()))
        .as("node 1 says which transport it picked")
        .contains("over " + expectedDefaultTransport() + " ");
    assertThat(Files.readString(node2.log())).contains("over nio ");

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

  /** What a node picks by itself: the hub jar carries epoll's native library for Linux x86-64. */
  private static String expectedDefaultTransport() {
    boolean linuxX64 = System.getProperty("os.name").equals("Linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    return linuxX64 ? "epoll" : "nio";
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
