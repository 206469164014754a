package dev.hub;

import static dev.hub.testkit.HubTestClient.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One node on a plain Vert.x, on a free port, with real WebSocket and HTTP clients on their own
 * Vert.x: the wire contract of docs/protocol.md as a client sees it. How events reach their
 * audiences is the contract suite's, run on one node and on three: hub-it's
 * {@code dev.hub.contract.DeliveryContract}.
 */
class WebSocketNodeTest {
  private static final long WAIT_MS = HubTestClient.WAIT.toMillis();

  private Vertx nodeVertx;
  private Vertx clientVertx;
  private HttpClient httpClient;
  private final List<HubTestClient> sockets = new ArrayList<>();
  private HubNode node;

  @BeforeEach
  void startClients() {
    nodeVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    httpClient = clientVertx.createHttpClient();
  }

  @AfterEach
  void closeEverything() throws Exception {
    sockets.forEach(HubTestClient::close);
    httpClient.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    clientVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    nodeVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  /** Deploys a node in open mode on a free port, two event loops, with the given limits. */
  private void deploy(JsonObject limits) throws Exception {
    JsonObject config = new JsonObject()
        .put("open", true)
        .put("port", 0)
        .put("eventLoops", 2)
        .put("nodeId", "node-a")
        .put("limits", limits);
    node =
        HubNode.deploy(nodeVertx, ConfigReader.read(config)).await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private void deploy() throws Exception {
    deploy(new JsonObject());
  }

  private HubTestClient connect(String user) {
    HubTestClient socket = HubTestClient.connect(clientVertx, node.port(), "/ws?user=" + user);
    sockets.add(socket);
    return socket;
  }

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  /** The event without its timestamp, after checking that the timestamp is ISO-8601 UTC. */
  private static JsonObject withoutTimestamp(JsonObject event) {
    JsonObject copy = event.copy();
    Instant.parse((String) copy.remove("timestamp"));
    return copy;
  }

  private static List<String> codes(List<JsonObject> errors) {
    return errors.stream().map(error -> error.getString("code")).toList();
  }

  private void subscribe(HubTestClient socket, String channel) {
    JsonObject reply = socket.request(json(
        "{\"type\":\"subscribe\",\"id\":\"sub-" + channel + "\",\"channel\":\"" + channel + "\"}"));
    assertThat(reply.getString("type")).as("reply to subscribe: %s", reply).isEqualTo("subscribed");
  }

  private TestHttp.Answer http(HttpMethod method, String path, String body) {
    return TestHttp.send(clientVertx, httpClient, method, node.port(), path, null, body);
  }

  // Connecting.

  @Test
  void connectedFrameDescribesTheConnection() throws Exception {
    deploy();
    JsonObject connected = connect("alice").received().get(0).copy();
    UUID.fromString((String) connected.remove("connectionId"));
    Instant.parse((String) connected.remove("timestamp"));
    assertThat(connected)
        .isEqualTo(json(
            "{\"type\":\"connected\",\"node\":\"node-a\",\"user\":\"alice\",\"heartbeat\":30000}"));
  }

  // Bad input.

  @Test
  void malformedFramesGetTheirErrorAndTheConnectionStaysOpen() throws Exception {
    deploy(new JsonObject().put("ratePerSecond", 10).put("burst", 10));
    HubTestClient mallory = sendMalformedFrames();
    assertThat(codes(mallory.awaitReceived(ofType("error"), 7)))
        .containsExactly(
            "invalid_json",
            "invalid_frame",
            "invalid_frame",
            "invalid_frame",
            "invalid_frame",
            "bad_channel",
            "invalid_frame");
  }

  @Test
  void connectionStaysOpenAfterMalformedFrames() throws Exception {
    deploy(new JsonObject().put("ratePerSecond", 10).put("burst", 10));
    HubTestClient mallory = sendMalformedFrames();
    JsonObject pong = mallory.request(json("{\"type\":\"ping\",\"id\":\"still-there\"}"));
    assertThat(pong.getString("type")).isEqualTo("pong");
  }

  private HubTestClient sendMalformedFrames() throws Exception {
    return connect("mallory")
        .sendText("this is not JSON")
        .sendText("[1,2,3]")
        .sendText("{\"id\":1,\"channel\":\"tasks\"}")
        .sendText("{\"type\":42,\"id\":2}")
        .sendText("{\"type\":\"ack\",\"id\":3}")
        .sendText("{\"type\":\"subscribe\",\"id\":4,\"channel\":\"no spaces allowed\"}")
        .sendText(
            "{\"type\":\"publish\",\"id\":5,\"channel\":\"tasks\",\"event\":{\"type\":\"connected\"}}");
  }

  // HTTP.

  @Test
  void httpPublishAnswers200WithEmptyReceiptForChannelWithoutHistory() throws Exception {
    deploy();
    TestHttp.Answer result = http(
        HttpMethod.POST,
        "/api/publish",
        "{\"channel\":\"tasks\",\"event\":{\"type\":\"task_created\",\"taskId\":8}}");
    assertThat(result).isEqualTo(new TestHttp.Answer(200, "{}"));
  }

  @Test
  void httpPublishReachesSubscribers() throws Exception {
    deploy();
    HubTestClient reader = connect("reader");
    subscribe(reader, "tasks");
    http(
        HttpMethod.POST,
        "/api/publish",
        "{\"channel\":\"tasks\",\"event\":{\"type\":\"task_created\",\"taskId\":8}}");
    assertThat(withoutTimestamp(reader.awaitType("task_created")))
        .isEqualTo(json("{\"type\":\"task_created\",\"taskId\":8,\"channel\":\"tasks\"}"));
  }

  @Test
  void httpPublishWithoutEventIs400InvalidFrame() throws Exception {
    deploy();
    TestHttp.Answer result = http(HttpMethod.POST, "/api/publish", "{\"channel\":\"tasks\"}");
    assertThat(List.of(result.status(), json(result.body()).getString("code")))
        .containsExactly(400, "invalid_frame");
  }

  @Test
  void httpPublishOfNonJsonIs400InvalidJson() throws Exception {
    deploy();
    TestHttp.Answer result = http(HttpMethod.POST, "/api/publish", "this is not JSON");
    assertThat(List.of(result.status(), json(result.body()).getString("code")))
        .containsExactly(400, "invalid_json");
  }

  @Test
  void healthIs200() throws Exception {
    deploy();
    assertThat(http(HttpMethod.GET, "/health", null).status()).isEqualTo(200);
  }

  @Test
  void readyIs200BeforeStop() throws Exception {
    deploy();
    assertThat(http(HttpMethod.GET, "/ready", null).status()).isEqualTo(200);
  }

  // Shutdown.

  @Test
  void gracefulStopSendsReconnectThenClose1012() throws Exception {
    deploy();
    HubTestClient alice = connect("alice");
    node.stop().await(WAIT_MS, TimeUnit.MILLISECONDS);
    int closeCode = alice.awaitClose();
    List<JsonObject> frames = alice.received();
    assertThat(List.of(frames.get(frames.size() - 1), closeCode))
        .containsExactly(json("{\"type\":\"reconnect\"}"), 1012);
  }
}
