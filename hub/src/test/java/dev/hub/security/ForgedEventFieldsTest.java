package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: an event whose publisher set the fields the hub owns (docs/protocol.md section 3), so
 * that subscribers file it under a channel it was not published to and move their resume position
 * past real events. Reproduced on the node before the fix: a client with {@code broadcast} sent
 * {@code {"type":"alert","channel":"alerts","offset":999,"epoch":"forged"}} and every subscriber
 * received it so. Every audience and every publisher is tried: WebSocket text and binary frames,
 * the HTTP API and the event bus.
 */
class ForgedEventFieldsTest {
  private static final Duration WAIT = HubTestClient.WAIT;
  private static final String FORGED_TIME = "2000-01-01T00:00:00Z";
  /** What an attacker puts in an event: a channel, a position far ahead, a sender and a time. */
  private static final JsonObject FORGED = new JsonObject()
      .put("type", "alert")
      .put("channel", "alerts")
      .put("offset", 999)
      .put("epoch", "forged")
      .put("from", "admin")
      .put("timestamp", FORGED_TIME);

  private Vertx nodeVertx;
  private Vertx clientVertx;
  private HubNode node;
  private final List<HubTestClient> clients = new ArrayList<>();

  @BeforeEach
  void deploy() throws Exception {
    nodeVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    JsonObject config = new JsonObject()
        .put("open", true)
        .put("port", 0)
        .put("eventLoops", 2)
        .put(
            "channels",
            new JsonArray()
                .add(new JsonObject()
                    .put("pattern", "tasks")
                    .put("history", new JsonObject().put("size", 100))));
    node = HubNode.deploy(nodeVertx, ConfigReader.read(config))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    clients.forEach(HubTestClient::close);
    clientVertx.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    nodeVertx.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private HubTestClient connect(String user) {
    HubTestClient client = HubTestClient.connect(clientVertx, node.port(), "/ws?user=" + user);
    clients.add(client);
    return client;
  }

  /** A victim subscribed to the channel the attacker names, and to a history channel. */
  private HubTestClient victim() {
    HubTestClient victim = connect("victim");
    victim.send(new JsonObject().put("type", "subscribe").put("id", "s1").put("channel", "alerts"));
    victim.send(new JsonObject().put("type", "subscribe").put("id", "s2").put("channel", "tasks"));
    victim.await(f -> "s2".equals(f.getValue("id")));
    victim.await(f -> "s1".equals(f.getValue("id")));
    return victim;
  }

  private static JsonObject forged(String marker) {
    return FORGED.copy().put("marker", marker);
  }

  private static JsonObject received(HubTestClient client, String marker) {
    return client.await(
        f -> "alert".equals(f.getString("type")) && marker.equals(f.getString("marker")));
  }

  /** The stream fields are gone, the sender is the hub's word, and so is the time of a client's event. */
  private static void assertClientEventStamped(JsonObject event, String sender) {
    assertThat(event.containsKey("channel")).as("channel of %s", event).isFalse();
    assertThat(event.containsKey("offset")).as("offset of %s", event).isFalse();
    assertThat(event.containsKey("epoch")).as("epoch of %s", event).isFalse();
    assertThat(event.getString("from")).as("from of %s", event).isEqualTo(sender);
    assertThat(event.getString("timestamp")).as("timestamp of %s", event).isNotEqualTo(FORGED_TIME);
    assertThat(Instant.parse(event.getString("timestamp")))
        .isAfter(Instant.now().minus(Duration.ofMinutes(1)));
  }

  @Test
  void aForgedBroadcastArrivesWithoutStreamFields() {
    HubTestClient victim = victim();
    HubTestClient mallory = connect("mallory");
    mallory.send(new JsonObject().put("type", "broadcast").put("id", 1).put("event", forged("b")));
    assertThat(mallory.await(f -> Integer.valueOf(1).equals(f.getValue("id"))).getString("type"))
        .isEqualTo("ack");
    assertClientEventStamped(received(victim, "b"), "mallory");
  }

  @Test
  void aForgedDirectEventArrivesWithoutStreamFields() {
    HubTestClient victim = victim();
    HubTestClient mallory = connect("mallory");
    mallory.send(new JsonObject()
        .put("type", "direct")
        .put("id", 1)
        .put("user", "victim")
        .put("event", forged("d")));
    assertThat(mallory.await(f -> Integer.valueOf(1).equals(f.getValue("id"))).getString("type"))
        .isEqualTo("ack");
    assertClientEventStamped(received(victim, "d"), "mallory");
  }

  @Test
  void theShorthandBroadcastArrivesWithoutStreamFields() {
    HubTestClient victim = victim();
    HubTestClient mallory = connect("mallory");
    // Without a channel the shorthand is a broadcast; the position fields must not ride along.
    JsonObject shorthand = forged("s");
    shorthand.remove("channel");
    mallory.send(shorthand);
    assertClientEventStamped(received(victim, "s"), "mallory");
  }

  @Test
  void aForgedPositionOnAChannelWithoutHistoryIsRemoved() {
    HubTestClient victim = victim();
    HubTestClient mallory = connect("mallory");
    mallory.send(new JsonObject()
        .put("type", "publish")
        .put("id", 1)
        .put("channel", "alerts")
        .put("event", forged("p")));
    JsonObject event = received(victim, "p");
    assertThat(event.getString("channel")).isEqualTo("alerts");
    event.remove("channel");
    assertClientEventStamped(event, "mallory");
  }

  @Test
  void aForgedPositionOnAHistoryChannelIsTheStoresOwn() {
    HubTestClient victim = victim();
    HubTestClient mallory = connect("mallory");
    mallory.send(new JsonObject()
        .put("type", "publish")
        .put("id", 1)
        .put("channel", "tasks")
        .put("event", forged("h")));
    JsonObject ack = mallory.await(f -> Integer.valueOf(1).equals(f.getValue("id")));
    JsonObject event = received(victim, "h");
    assertThat(
            List.of(event.getString("channel"), event.getLong("offset"), event.getString("epoch")))
        .containsExactly("tasks", ack.getLong("offset"), ack.getString("epoch"));
    assertThat(event.getString("timestamp")).isNotEqualTo(FORGED_TIME);
  }

  @Test
  void aForgedBinaryBroadcastArrivesWithoutStreamFields() {
    HubTestClient victim = victim();
    List<Buffer> binaries = new CopyOnWriteArrayList<>();
    victim.socket().binaryMessageHandler(binaries::add);
    HubTestClient mallory = connect("mallory");
    byte[] header = new JsonObject()
        .put("type", "broadcast")
        .put("id", 1)
        .put("event", forged("bin"))
        .encode()
        .getBytes(StandardCharsets.UTF_8);
    mallory
        .socket()
        .writeBinaryMessage(
            Buffer.buffer().appendInt(header.length).appendBytes(header).appendBytes(new byte[] {
              7, 7
            }));
    Awaitility.await("the binary event").atMost(WAIT).until(() -> !binaries.isEmpty());
    Buffer frame = binaries.get(0);
    JsonObject event = new JsonObject(frame.slice(4, 4 + frame.getInt(0)));
    assertThat(event.getString("marker")).isEqualTo("bin");
    assertClientEventStamped(event, "mallory");
  }

  @Test
  void aServerMayKeepItsFromAndTimestampButNotStreamFields() throws Exception {
    HubTestClient victim = victim();
    post(new JsonObject().put("event", forged("http-all")));
    post(new JsonObject().put("user", "victim").put("event", forged("http-user")));
    JsonObject bus = nodeVertx
        .eventBus()
        .<JsonObject>request(
            "hub.publish", new JsonObject().put("user", "victim").put("event", forged("bus-user")))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .body();
    assertThat(bus).isEqualTo(new JsonObject());
    for (String marker : List.of("http-all", "http-user", "bus-user")) {
      JsonObject event = received(victim, marker);
      assertThat(List.of(
              event.containsKey("channel"),
              event.containsKey("offset"),
              event.containsKey("epoch")))
          .as("stream fields of %s", event)
          .containsExactly(false, false, false);
      assertThat(List.of(event.getString("from"), event.getString("timestamp")))
          .as("a trusted server's own from and timestamp")
          .containsExactly("admin", FORGED_TIME);
    }
  }

  private void post(JsonObject body) {
    HttpClient http = clientVertx.createHttpClient();
    try {
      TestHttp.Answer answer = TestHttp.send(
          clientVertx, http, HttpMethod.POST, node.port(), "/api/publish", null, body.encode());
      assertThat(answer.status()).as("POST /api/publish " + body).isEqualTo(200);
    } finally {
      http.close();
    }
  }
}
