package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One node on a plain (not clustered) Vert.x answers the paths the deployment recipes probe, and
 * a graceful stop holds {@code /ready} at 503 for the drain delay while the node still answers.
 */
class OperationsNodeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient();
  private HubNode node;

  @AfterEach
  void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void servesHealthReadyMetricsAndStats() throws Exception {
    start(0);
    assertThat(status("/health")).isEqualTo(200);
    assertThat(status("/ready")).isEqualTo(200);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client
        .connect(node.port(), "127.0.0.1", "/ws?user=alice")
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    socket.writeTextMessage(new JsonObject()
        .put("type", "subscribe")
        .put("id", 1)
        .put("channel", "tasks")
        .encode());
    Awaitility.await().atMost(WAIT).until(() -> body("/metrics").contains("hub_subscriptions 1.0"));
    String metrics = body("/metrics");
    assertThat(metrics)
        .contains("hub_connections 1.0")
        .contains("hub_channels 1.0")
        .contains("hub_connections_opened_total 1.0")
        .contains("hub_cluster_members 1.0")
        .contains("hub_ready 1.0");
    JsonObject stats = new JsonObject(body("/api/stats"));
    assertThat(stats.getInteger("members")).isEqualTo(1);
    assertThat(stats.getLong("connections")).isEqualTo(1);
    assertThat(stats.getJsonArray("nodes").getJsonObject(0).getString("node")).isEqualTo("solo");
    // Closed here, not left to Vert.x's close: once, that close (node undeploy and client
    // shutdown racing in one Vert.x) outlasted the test's 20 s wait on CI.
    client.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void readyIsDownForTheDrainDelayWhileTheNodeStillAnswers() throws Exception {
    start(3_000);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client
        .connect(node.port(), "127.0.0.1", "/ws")
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    // The client may see the upgrade finished before the node has taken the connection in.
    Awaitility.await().atMost(WAIT).until(() -> node.connections() == 1);
    Future<Void> stopped = node.stop();
    assertThat(status("/ready")).isEqualTo(503);
    assertThat(status("/health")).isEqualTo(200);
    assertThat(socket.isClosed()).as("clients are closed only after the delay").isFalse();
    stopped.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(socket.isClosed()).isTrue();
    assertThat(socket.closeStatusCode()).isEqualTo((short) 1012);
  }

  private void start(int drainDelayMs) throws Exception {
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("nodeId", "solo")
                .put("eventLoops", 1)
                .put("drainDelayMs", drainDelayMs)))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private int status(String path) {
    return TestHttp.send(vertx, http, HttpMethod.GET, node.port(), path, null, null)
        .status();
  }

  private String body(String path) {
    return TestHttp.send(vertx, http, HttpMethod.GET, node.port(), path, null, null)
        .body();
  }
}
