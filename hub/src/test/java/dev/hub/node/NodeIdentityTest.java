package dev.hub.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.hub.cluster.NodeIdentity;
import dev.hub.config.ConfigReader;
import dev.hub.internals.VertxInternals;
import dev.hub.routing.Addresses;
import dev.hub.testkit.FreePorts;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's two ids ({@link NodeIdentity}) are used each for its one purpose: the hub's
 * {@code nodeId} in {@code connected} frames, the {@code node} of {@code /api/stats} and the
 * Hazelcast member attribute of hub nodes; the {@code busMemberId}, the Vert.x cluster manager's id
 * of the member, as the {@code member} of {@code /api/stats} and in the node's own event-bus
 * addresses. The Hazelcast member uuid is neither.
 */
class NodeIdentityTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Vertx client = Vertx.vertx();
  // Held: Vert.x closes a client that is no longer referenced when the garbage collector finds it,
  // which could be in the middle of a handshake.
  private final WebSocketClient webSockets = client.createWebSocketClient();
  private final HttpClient http = client.createHttpClient();
  private HubNode node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.stop().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    client.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aClusteredNodeIsFoundOnTheBusByTheClusterManagersIdAndShownToClientsByItsOwn()
      throws Exception {
    int clusterPort = FreePorts.one();
    node = HubNode.start(ConfigReader.read(new JsonObject()
            .put("open", true)
            .put("port", 0)
            .put("eventLoops", 1)
            .put("nodeId", "identity-1")
            .put(
                "cluster",
                new JsonObject()
                    .put("name", "identity-" + UUID.randomUUID())
                    .put("host", "127.0.0.1")
                    .put("port", clusterPort)
                    .put("members", new JsonArray().add("127.0.0.1:" + clusterPort)))))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    HazelcastClusterManager manager =
        (HazelcastClusterManager) VertxInternals.clusterManager(node.vertx());
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    NodeIdentity identity = node.identity();

    assertThat(identity.nodeId()).isEqualTo("identity-1").isEqualTo(node.nodeId());
    assertThat(identity.busMemberId())
        .as("the Vert.x cluster manager's id of the member")
        .isEqualTo(manager.getNodeId())
        .isNotEqualTo(identity.nodeId())
        .isNotEqualTo(hazelcast.getCluster().getLocalMember().getUuid().toString());
    assertThat(hazelcast.getCluster().getLocalMember().<String>getAttribute("hub.node"))
        .as("the member attribute that tells hub nodes apart")
        .isEqualTo(identity.nodeId());
    assertSeenAs(identity);
  }

  @Test
  void aNodeThatIsNotClusteredAnswersOnTheBusUnderItsOwnId() throws Exception {
    node = HubNode.deploy(
            client,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("nodeId", "alone")))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(node.identity()).isEqualTo(new NodeIdentity("alone", "alone"));
    assertSeenAs(node.identity());
  }

  /** How clients, operators and other nodes see the node: each id where it belongs. */
  private void assertSeenAs(NodeIdentity identity) throws Exception {
    JsonObject connected = TestHttp.onEventLoop(client, () -> {
          // The handler is set before the socket connects, so the connected frame cannot be missed.
          ClientWebSocket socket = webSockets.webSocket();
          Promise<String> first = Promise.promise();
          socket.textMessageHandler(first::tryComplete);
          return socket
              .connect(node.port(), "127.0.0.1", "/ws")
              .compose(open -> first.future())
              .eventually(socket::close);
        })
        .map(JsonObject::new)
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(connected.getString("node"))
        .as("the connected frame's node")
        .isEqualTo(identity.nodeId());

    JsonObject stats = TestHttp.onEventLoop(
            client,
            () -> http.request(HttpMethod.GET, node.port(), "127.0.0.1", "/api/stats")
                .compose(request -> request.send())
                .compose(HttpClientResponse::body))
        .map(body -> body.toJsonObject().getJsonArray("nodes").getJsonObject(0))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(stats.getString("node")).isEqualTo(identity.nodeId());
    assertThat(stats.getString("member")).isEqualTo(identity.busMemberId());

    JsonObject answered = node.vertx()
        .eventBus()
        .<JsonObject>request(Addresses.STATS_PREFIX + identity.busMemberId(), null)
        .map(reply -> reply.body())
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(answered.getString("node"))
        .as("what the node answers on its stats address")
        .isEqualTo(identity.nodeId());
  }

  /** Client chains run on an event loop, each callback attached as its step starts (vert.x#6038). */
}
