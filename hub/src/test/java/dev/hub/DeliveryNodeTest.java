package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one node's HTTP API does with history channels: history over HTTP as the frame gives it,
 * and a channel kept for servers. Delivery itself (audiences, history order and recovery, the
 * history frame, presence, rpc, binary events) is the contract suite's, run on one node and on
 * three: hub-it's {@code dev.hub.contract.DeliveryContract}.
 */
class DeliveryNodeTest {
  private static final long WAIT_MS = HubTestClient.WAIT.toMillis();
  private static final JsonObject CHANNELS = new JsonObject()
      .put(
          "channels",
          new JsonArray()
              .add(new JsonObject()
                  .put("pattern", "tasks")
                  .put("history", new JsonObject().put("size", 100).put("ttl", "1h")))
              .add(new JsonObject()
                  .put("pattern", "announcements")
                  .put("history", new JsonObject().put("size", 10))
                  .put("clientPublish", false))
              .add(new JsonObject()
                  .put("pattern", "room:*")
                  .put("presence", true)
                  .put("joinLeave", true)));

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
    JsonObject config = CHANNELS
        .copy()
        .put("open", true)
        .put("port", 0)
        .put("eventLoops", 2)
        .put("nodeId", "node-a");
    node =
        HubNode.deploy(nodeVertx, ConfigReader.read(config)).await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    sockets.forEach(HubTestClient::close);
    clientVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    nodeVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  void historyOverHttpMatchesTheFrame() throws Exception {
    HubTestClient client = connect("alice");
    String epoch = client.request(publish(1)).getString("epoch");
    client.request(publish(2));
    JsonObject body = new JsonObject(
        http(HttpMethod.GET, "/api/channels/tasks/history?since=1&epoch=" + epoch, 200));
    assertThat(body.getJsonArray("messages")).hasSize(1);
    assertThat(body.getJsonArray("messages").getJsonObject(0).getInteger("n")).isEqualTo(2);
    assertThat(new JsonObject(http(HttpMethod.GET, "/api/channels/room:1/history", 400))
            .getString("code"))
        .isEqualTo("invalid_frame");
  }

  @Test
  void aChannelForServersRefusesClientsButTakesTheHttpApi() throws Exception {
    HubTestClient client = connect("alice");
    JsonObject refused =
        client.request(json("{\"type\":\"publish\",\"id\":1,\"channel\":\"announcements\","
            + "\"event\":{\"type\":\"notice\"}}"));
    assertThat(refused.getString("code")).isEqualTo("forbidden");
    JsonObject receipt = new JsonObject(http(
        HttpMethod.POST,
        "/api/publish",
        "{\"channel\":\"announcements\",\"event\":{\"type\":\"notice\"}}",
        200));
    assertThat(receipt.getLong("offset")).isEqualTo(1);
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

  private String http(HttpMethod method, String path, int expectedStatus) throws Exception {
    return http(method, path, null, expectedStatus);
  }

  private String http(HttpMethod method, String path, String body, int expectedStatus) {
    TestHttp.Answer answer =
        TestHttp.send(clientVertx, httpClient, method, node.port(), path, null, body);
    assertThat(answer.status()).as(method + " " + path).isEqualTo(expectedStatus);
    return answer.body();
  }
}
