package dev.hub;

import static dev.hub.testkit.HubTestClient.ofType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.testkit.HubTestClient;
import dev.hub.node.HubNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * History, recovery, presence, rpc and binary frames on one node over real sockets. The node is
 * not clustered, so it keeps history and presence in memory; the cluster tests run the same
 * frames against Hazelcast.
 */
class DeliveryNodeTest {
  private static final long WAIT_MS = HubTestClient.WAIT.toMillis();
  private static final JsonObject CHANNELS = new JsonObject().put("channels", new JsonArray()
      .add(new JsonObject().put("pattern", "tasks").put("history", new JsonObject().put("size", 100).put("ttl", "1h")))
      .add(new JsonObject().put("pattern", "files").put("history", new JsonObject().put("size", 10)))
      .add(new JsonObject().put("pattern", "announcements").put("history", new JsonObject().put("size", 10))
          .put("clientPublish", false))
      .add(new JsonObject().put("pattern", "room:*").put("presence", true).put("joinLeave", true)));

  private Vertx nodeVertx;
  private Vertx clientVertx;
  private HttpClient httpClient;
  private HubNode node;
  private final List<HubTestClient> sockets = new ArrayList<>();

  @BeforeEach
  void deploy() throws Exception {
    nodeVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    httpClient = clientVertx.createHttpClient();
    JsonObject config = CHANNELS.copy().put("open", true).put("port", 0).put("eventLoops", 2).put("nodeId", "node-a");
    node = HubNode.deploy(nodeVertx, ConfigReader.read(config)).await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    sockets.forEach(HubTestClient::close);
    clientVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    nodeVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  void publishesToAHistoryChannelAreAckedWithConsecutiveOffsetsInOneEpoch() throws Exception {
    HubTestClient subscriber = connect("bob");
    assertThat(subscriber.request(subscribe("tasks", 1)).getLong("offset")).isZero();
    HubTestClient publisher = connect("alice");
    List<JsonObject> acks = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      acks.add(publisher.request(publish(n)));
    }
    assertThat(acks).extracting(ack -> ack.getLong("offset")).containsExactly(1L, 2L, 3L);
    String epoch = acks.get(0).getString("epoch");
    assertThat(acks).extracting(ack -> ack.getString("epoch")).containsOnly(epoch);
    List<JsonObject> events = subscriber.awaitReceived(ofType("task_created"), 3);
    assertThat(events).extracting(e -> e.getLong("offset")).containsExactly(1L, 2L, 3L);
    assertThat(events).extracting(e -> e.getString("epoch")).containsOnly(epoch);
  }

  @Test
  void subscribeWithSinceReplaysWhatWasMissedThenGoesLiveWithoutRepeats() {
    HubTestClient publisher = connect("alice");
    String epoch = null;
    for (int n = 1; n <= 5; n++) {
      epoch = publisher.request(publish(n)).getString("epoch");
    }
    HubTestClient late = connect("bob");
    JsonObject subscribed = late.request(json("{\"type\":\"subscribe\",\"id\":9,\"channel\":\"tasks\","
        + "\"since\":{\"offset\":2,\"epoch\":\"" + epoch + "\"}}"));
    assertThat(subscribed.getBoolean("recovered")).isTrue();
    assertThat(subscribed.getLong("offset")).isEqualTo(5);
    publisher.request(publish(6));
    List<JsonObject> events = late.awaitReceived(ofType("task_created"), 4);
    assertThat(events).extracting(e -> e.getInteger("n")).containsExactly(3, 4, 5, 6);
    assertThat(late.received()).extracting(f -> f.getString("type"))
        .containsSubsequence("subscribed", "task_created", "task_created", "task_created", "task_created");
  }

  @Test
  void sinceFromAnotherEpochIsNotRecoveredAndReplaysNothing() {
    HubTestClient publisher = connect("alice");
    publisher.request(publish(1));
    HubTestClient late = connect("bob");
    JsonObject subscribed = late.request(json("{\"type\":\"subscribe\",\"id\":9,\"channel\":\"tasks\","
        + "\"since\":{\"offset\":0,\"epoch\":\"not-this-one\"}}"));
    assertThat(subscribed.getBoolean("recovered")).isFalse();
    publisher.request(publish(2));
    assertThat(late.awaitType("task_created").getInteger("n")).isEqualTo(2);
    assertThat(late.received(ofType("task_created"))).hasSize(1);
  }

  @Test
  void historyFrameReturnsStoredEventsNewestLastAndRespectsLimitAndSince() {
    HubTestClient client = connect("alice");
    String epoch = null;
    for (int n = 1; n <= 3; n++) {
      epoch = client.request(publish(n)).getString("epoch");
    }
    JsonObject all = client.request(json("{\"type\":\"history\",\"id\":\"h1\",\"channel\":\"tasks\"}"));
    assertThat(all.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getInteger("n")))
        .containsExactly(1, 2, 3);
    assertThat(all.getLong("offset")).isEqualTo(3);
    JsonObject newest =
        client.request(json("{\"type\":\"history\",\"id\":\"h2\",\"channel\":\"tasks\",\"limit\":2}"));
    assertThat(newest.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("offset")))
        .containsExactly(2L, 3L);
    JsonObject after = client.request(json("{\"type\":\"history\",\"id\":\"h3\",\"channel\":\"tasks\","
        + "\"since\":{\"offset\":1,\"epoch\":\"" + epoch + "\"}}"));
    assertThat(after.getJsonArray("messages")).hasSize(2);
  }

  @Test
  void historyOverHttpMatchesTheFrame() throws Exception {
    HubTestClient client = connect("alice");
    String epoch = client.request(publish(1)).getString("epoch");
    client.request(publish(2));
    JsonObject body = new JsonObject(http(HttpMethod.GET, "/api/channels/tasks/history?since=1&epoch=" + epoch, 200));
    assertThat(body.getJsonArray("messages")).hasSize(1);
    assertThat(body.getJsonArray("messages").getJsonObject(0).getInteger("n")).isEqualTo(2);
    assertThat(new JsonObject(http(HttpMethod.GET, "/api/channels/room:1/history", 400)).getString("code"))
        .isEqualTo("invalid_frame");
  }

  @Test
  void presenceCountsUsersAndConnectionsAndAnnouncesJoinsAndLeavesOnce() throws Exception {
    HubTestClient carol = connect("carol");
    carol.request(subscribe("room:1", 1));
    HubTestClient alice = connect("alice");
    HubTestClient bob1 = connect("bob");
    HubTestClient bob2 = connect("bob");
    alice.request(subscribe("room:1", 2));
    bob1.request(subscribe("room:1", 3));
    bob2.request(subscribe("room:1", 4));
    JsonObject presence = carol.request(json("{\"type\":\"presence\",\"id\":5,\"channel\":\"room:1\"}"));
    assertThat(presence.getInteger("count")).isEqualTo(3);
    assertThat(presence.getJsonArray("users")).contains(
        new JsonObject().put("user", "bob").put("connections", 2),
        new JsonObject().put("user", "alice").put("connections", 1));
    assertThat(new JsonObject(http(HttpMethod.GET, "/api/channels/room:1/presence", 200)).getInteger("count"))
        .isEqualTo(3);

    bob1.close();
    bob2.request(json("{\"type\":\"unsubscribe\",\"id\":6,\"channel\":\"room:1\"}"));
    carol.await(f -> "leave".equals(f.getString("type")) && "bob".equals(f.getString("user")));
    carol.request(json("{\"type\":\"ping\",\"id\":\"fence\"}"));
    assertThat(carol.received(f -> "join".equals(f.getString("type")) && "bob".equals(f.getString("user")))).hasSize(1);
    assertThat(carol.received(f -> "leave".equals(f.getString("type")))).hasSize(1);
    assertThat(carol.received(f -> "join".equals(f.getString("type"))).get(0).getString("channel")).isEqualTo("room:1");
  }

  @Test
  void aChannelForServersRefusesClientsButTakesTheHttpApi() throws Exception {
    HubTestClient client = connect("alice");
    JsonObject refused = client.request(json("{\"type\":\"publish\",\"id\":1,\"channel\":\"announcements\","
        + "\"event\":{\"type\":\"notice\"}}"));
    assertThat(refused.getString("code")).isEqualTo("forbidden");
    JsonObject receipt = new JsonObject(http(HttpMethod.POST, "/api/publish",
        "{\"channel\":\"announcements\",\"event\":{\"type\":\"notice\"}}", 200));
    assertThat(receipt.getLong("offset")).isEqualTo(1);
  }

  @Test
  void rpcReachesAServiceWithTheCallerAndMapsEveryFailure() {
    nodeVertx.eventBus().<JsonObject>consumer("orders.lookup", message -> message.reply(new JsonObject()
        .put("order", message.body().getInteger("id")).put("caller", message.headers().get("hub-user"))
        .put("connection", message.headers().get("hub-connection") != null)));
    nodeVertx.eventBus().consumer("orders.fail", message -> message.fail(500, "out of stock"));
    nodeVertx.eventBus().consumer("orders.slow", message -> { });
    HubTestClient client = connect("alice");
    JsonObject result =
        client.request(json("{\"type\":\"rpc\",\"id\":1,\"address\":\"orders.lookup\",\"body\":{\"id\":7}}"));
    assertThat(result).isEqualTo(new JsonObject().put("type", "rpc_result").put("id", 1)
        .put("body", new JsonObject().put("order", 7).put("caller", "alice").put("connection", true)));
    JsonObject failed = client.request(json("{\"type\":\"rpc\",\"id\":2,\"address\":\"orders.fail\",\"body\":{}}"));
    assertThat(List.of(failed.getString("code"), failed.getString("message")))
        .containsExactly("rpc_failed", "out of stock");
    assertThat(client.request(json("{\"type\":\"rpc\",\"id\":3,\"address\":\"orders.slow\",\"timeout\":200}"))
        .getString("code")).isEqualTo("timeout");
    assertThat(client.request(json("{\"type\":\"rpc\",\"id\":4,\"address\":\"nobody.here\"}")).getString("code"))
        .isEqualTo("no_handler");
    assertThat(client.request(json("{\"type\":\"rpc\",\"id\":5,\"address\":\"hub.publish\",\"body\":{}}"))
        .getString("code")).isEqualTo("forbidden");
  }

  @Test
  void binaryEventReachesSubscribersAsABinaryFrameWithItsOffset() {
    HubTestClient subscriber = connect("bob");
    subscriber.request(subscribe("files", 1));
    HubTestClient publisher = connect("alice");
    byte[] header = "{\"type\":\"publish\",\"id\":2,\"channel\":\"files\",\"event\":{\"type\":\"upload\",\"name\":\"a.bin\"}}"
        .getBytes(StandardCharsets.UTF_8);
    publisher.sendBinary(Buffer.buffer().appendInt(header.length).appendBytes(header).appendBytes(new byte[] {1, 2, 3}));
    assertThat(publisher.await(f -> Integer.valueOf(2).equals(f.getValue("id"))).getLong("offset")).isEqualTo(1);
    Buffer frame = subscriber.awaitBinary();
    int length = frame.getInt(0);
    JsonObject event = new JsonObject(frame.slice(4, 4 + length));
    assertThat(List.of(event.getString("type"), event.getString("channel"), event.getString("from"),
        event.getLong("offset"))).containsExactly("upload", "files", "alice", 1L);
    assertThat(frame.getBytes(4 + length, frame.length())).containsExactly(1, 2, 3);
  }

  private HubTestClient connect(String user) {
    HubTestClient socket = HubTestClient.connect(clientVertx, node.port(), "/ws?user=" + user);
    sockets.add(socket);
    return socket;
  }

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  private static JsonObject publish(int n) {
    return json("{\"type\":\"publish\",\"id\":\"p" + n + "\",\"channel\":\"tasks\","
        + "\"event\":{\"type\":\"task_created\",\"n\":" + n + "}}");
  }

  private static JsonObject subscribe(String channel, int id) {
    return json("{\"type\":\"subscribe\",\"id\":" + id + ",\"channel\":\"" + channel + "\"}");
  }

  private String http(HttpMethod method, String path, int expectedStatus) throws Exception {
    return http(method, path, null, expectedStatus);
  }

  private String http(HttpMethod method, String path, String body, int expectedStatus) throws Exception {
    HttpResult result = OnEventLoop.run(clientVertx, () -> httpClient.request(method, node.port(), "127.0.0.1", path)
        .compose(request -> body == null ? request.send()
            : request.putHeader("content-type", "application/json").send(body))
        .compose(response -> response.body().map(bytes -> new HttpResult(response.statusCode(), bytes.toString()))))
        .await(WAIT_MS, TimeUnit.MILLISECONDS);
    assertThat(result.status()).as(method + " " + path).isEqualTo(expectedStatus);
    return result.body();
  }

  private record HttpResult(int status, String body) {
  }
}
