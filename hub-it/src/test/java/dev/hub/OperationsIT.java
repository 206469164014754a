package dev.hub;

import static dev.hub.testkit.NodeHttp.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.api.ClusterStats;
import dev.hub.internals.VertxInternals;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two clustered nodes under traffic, read the way an operator reads them: {@code /metrics} of each
 * node, {@code /api/stats} of the cluster, and {@code /ready} while a node drains. Counters are
 * compared before and after each step (the kit's own probes have already counted); gauges are
 * read as they are.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  /** Node 2 holds /ready down this long when stopped, so the test can watch it drain. */
  private static final int DRAIN_DELAY_MS = 4_000;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(
      2,
      node -> node.getString("nodeId").equals("node-2")
          ? node.put("drainDelayMs", DRAIN_DELAY_MS)
          : node);

  private static HubTestClient alice1;
  private static HubTestClient bob1;
  private static HubTestClient carol2;

  @BeforeAll
  static void connectClients() {
    HubCluster cluster = hub.cluster();
    alice1 = cluster.connect(0, "alice");
    bob1 = cluster.connect(0, "bob");
    carol2 = cluster.connect(1, "carol");
    for (HubTestClient subscriber : List.of(bob1, carol2)) {
      subscriber.request(
          new JsonObject().put("type", "subscribe").put("id", "s").put("channel", "tasks"), WAIT);
    }
    // The kit's probe connections close asynchronously after the cluster starts.
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> node(0).connections() == 2 && node(1).connections() == 1);
  }

  @Test
  @Order(1)
  void metricsCountConnectionsEventsPerAudienceAndCloses() {
    HubNode one = node(0);
    HubNode two = node(1);
    assertThat(metric(one, "hub_connections")).isEqualTo(2);
    assertThat(metric(two, "hub_connections")).isEqualTo(1);
    assertThat(metric(one, "hub_subscriptions")).isEqualTo(1);
    assertThat(metric(two, "hub_subscriptions")).isEqualTo(1);
    assertThat(metric(one, "hub_cluster_members")).isEqualTo(2);
    assertThat(metric(one, "hub_ready")).isEqualTo(1);
    // Partitions may still be migrating to the second member just after the cluster formed.
    Awaitility.await().atMost(WAIT).until(() -> metric(one, "hub_cluster_safe") == 1);
    String channelOut = "hub_events_delivered_total{audience=\"channel\"}";
    String allOut = "hub_events_delivered_total{audience=\"all\"}";
    String userOut = "hub_events_delivered_total{audience=\"user\"}";
    double channelOut1 = metric(one, channelOut);
    double channelOut2 = metric(two, channelOut);
    double allOut1 = metric(one, allOut);
    double allOut2 = metric(two, allOut);
    double userOut1 = metric(one, userOut);
    double published1 = metric(one, "hub_events_published_total{audience=\"channel\"}");
    double broadcasts2 = metric(two, "hub_events_published_total{audience=\"all\"}");
    double directs2 = metric(two, "hub_events_published_total{audience=\"user\"}");
    double latencies1 = metric(one, "hub_fanout_latency_seconds_count");
    double bytes1 = metric(one, "hub_outbound_bytes_total");

    alice1.send(new JsonObject()
        .put("type", "publish")
        .put("channel", "tasks")
        .put("event", new JsonObject().put("type", "task_created").put("taskId", 1)));
    carol2.send(new JsonObject()
        .put("type", "chat")
        .put("payload", new JsonObject().put("message", "Hello")));
    carol2.send(new JsonObject()
        .put("type", "direct")
        .put("user", "alice")
        .put("event", new JsonObject().put("type", "duty-update")));
    bob1.awaitType("task_created", WAIT);
    carol2.awaitType("task_created", WAIT);
    alice1.awaitType("duty-update", WAIT);

    // Node 1: a channel event to bob, a broadcast to alice and bob, a direct event to alice.
    Awaitility.await().atMost(WAIT).untilAsserted(() -> {
      assertThat(metric(one, channelOut) - channelOut1).isEqualTo(1);
      assertThat(metric(one, allOut) - allOut1).isEqualTo(2);
      assertThat(metric(one, userOut) - userOut1).isEqualTo(1);
      assertThat(metric(two, channelOut) - channelOut2).isEqualTo(1);
      assertThat(metric(two, allOut) - allOut2).isEqualTo(1);
    });
    assertThat(metric(one, "hub_events_published_total{audience=\"channel\"}") - published1)
        .isEqualTo(1);
    assertThat(metric(two, "hub_events_published_total{audience=\"all\"}") - broadcasts2)
        .isEqualTo(1);
    assertThat(metric(two, "hub_events_published_total{audience=\"user\"}") - directs2)
        .isEqualTo(1);
    assertThat(metric(one, "hub_fanout_latency_seconds_count") - latencies1)
        .isGreaterThanOrEqualTo(3);
    assertThat(metric(one, "hub_outbound_bytes_total") - bytes1).isGreaterThan(0);
    assertThat(NodeHttp.get(one, "/metrics").body())
        .as("Vert.x's own event-bus figures are there too")
        .contains("vertx_eventbus_handlers");

    double normalCloses = metric(one, "hub_connections_closed_total{code=\"1000\"}");
    double opened = metric(one, "hub_connections_opened_total");
    HubTestClient passerBy = hub.cluster().connect(0, "dave");
    passerBy.close();
    Awaitility.await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(
                metric(one, "hub_connections_closed_total{code=\"1000\"}") - normalCloses)
            .isEqualTo(1));
    assertThat(metric(one, "hub_connections_opened_total") - opened).isEqualTo(1);
    assertThat(metric(one, "hub_connections")).isEqualTo(2);
  }

  @Test
  @Order(2)
  void statsListEveryNodeWithItsFigures() {
    JsonObject stats = stats(0);
    assertThat(stats.getInteger("members")).isEqualTo(2);
    assertThat(stats.getJsonArray("unanswered")).isEmpty();
    assertThat(stats.getLong("connections")).isEqualTo(3);
    assertThat(stats.getLong("subscriptions")).isEqualTo(2);
    JsonObject first = nodeFigures(stats, "node-1");
    JsonObject second = nodeFigures(stats, "node-2");
    assertThat(first.getLong("connections")).isEqualTo(2);
    assertThat(second.getLong("connections")).isEqualTo(1);
    assertThat(first.getLong("channels")).isEqualTo(1);
    assertThat(first.getString("address")).isEqualTo("127.0.0.1:" + node(0).port());
    assertThat(second.getString("address")).isEqualTo("127.0.0.1:" + node(1).port());
    assertThat(second.getString("eventBus")).startsWith("127.0.0.1:");
    assertThat(second.getLong("uptimeSeconds")).isGreaterThanOrEqualTo(0);
    assertThat(second.getBoolean("ready")).isTrue();
    assertThat(stats(1).getJsonArray("nodes")).hasSize(2);
  }

  @Test
  @Order(3)
  void statsAnswerWithinTheBoundWhenAMemberStaysSilent() throws Exception {
    Vertx silent = hub.cluster().startService();
    String member = VertxInternals.clusterManager(silent).getNodeId();
    // A member that takes stats requests and never replies, as a hung node would.
    silent
        .eventBus()
        .consumer("hub.stats." + member, message -> {})
        .completion()
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    // Node 1 learns of the new registration asynchronously; until then the member has "no_handler".
    Awaitility.await().atMost(WAIT).untilAsserted(() -> {
      long started = System.nanoTime();
      JsonObject stats = stats(0);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(tookMs).isLessThan(ClusterStats.TIMEOUT_MS + 2_000);
      assertThat(stats.getInteger("members")).isEqualTo(3);
      assertThat(stats.getJsonArray("nodes")).hasSize(2);
      assertThat(stats.getJsonArray("unanswered"))
          .containsExactly(new JsonObject()
              .put("member", member)
              .put("answered", false)
              .put("reason", "timeout"));
      assertThat(tookMs).isGreaterThanOrEqualTo(ClusterStats.TIMEOUT_MS);
    });
  }

  @Test
  @Order(4)
  void readyTurnsDownFirstWhenANodeDrainsAndItsClientsAreClosedWith1012() throws Exception {
    HubNode two = node(1);
    assertThat(NodeHttp.get(two, "/ready").statusCode()).isEqualTo(200);
    int port = two.port();
    var stopped = two.stop();
    Awaitility.await().atMost(WAIT).until(() -> NodeHttp.get(port, "/ready").statusCode() == 503);
    HttpResponse<String> ready = NodeHttp.get(port, "/ready");
    assertThat(new JsonObject(ready.body()).getJsonArray("checks"))
        .contains(new JsonObject().put("id", "accepting").put("status", "DOWN"));
    assertThat(NodeHttp.get(port, "/health").statusCode())
        .as("the process still answers")
        .isEqualTo(200);
    assertThat(carol2.isClosed())
        .as("clients stay until the drain delay has passed")
        .isFalse();
    assertThat(metric(two, "hub_ready")).isEqualTo(0);

    // A client that comes anyway is told to go elsewhere at once (it gets no connected frame).
    LateClient late = new LateClient();
    HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?user=erin"), late)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(late.closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1012);
    assertThat(late.frames).containsExactly("{\"type\":\"reconnect\"}");

    assertThat(carol2.awaitType("reconnect", WAIT)).isNotNull();
    assertThat(carol2.awaitClose(WAIT)).isEqualTo(1012);
    stopped.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    // The server is closed now; the node's registry holds what /metrics showed last.
    String meters = two.meters().scrape();
    assertThat(NodeHttp.value(meters, "hub_connections_closed_total{code=\"1012\"}"))
        .isEqualTo(2);
    assertThat(NodeHttp.value(meters, "hub_connections")).isEqualTo(0);
  }

  /** A bare JDK WebSocket client: the kit's client insists on a connected frame, which a draining node never sends. */
  private static final class LateClient implements WebSocket.Listener {
    final List<String> frames = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      frames.add(data.toString());
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }
  }

  @Test
  @Order(5)
  void readyTurnsDownWhenTheNodeIsNoLongerAClusterMember() {
    HubNode one = node(0);
    assertThat(NodeHttp.get(one, "/ready").statusCode()).isEqualTo(200);
    // The Hazelcast member under the node goes away (as on a network partition that ends in its
    // shutdown).
    HubCluster.hazelcast(one).getLifecycleService().terminate();
    HttpResponse<String> ready = NodeHttp.get(one, "/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(ready.body()).getJsonArray("checks"))
        .contains(new JsonObject().put("id", "cluster").put("status", "DOWN"));
    assertThat(NodeHttp.get(one, "/health").statusCode()).isEqualTo(200);
  }

  private static JsonObject stats(int node) {
    HttpResponse<String> response = NodeHttp.get(node(node), "/api/stats");
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static JsonObject nodeFigures(JsonObject stats, String nodeId) {
    JsonArray nodes = stats.getJsonArray("nodes");
    return nodes.stream()
        .map(JsonObject.class::cast)
        .filter(n -> nodeId.equals(n.getString("node")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no figures of " + nodeId + " in " + stats));
  }

  private static HubNode node(int index) {
    return hub.cluster().node(index);
  }
}
