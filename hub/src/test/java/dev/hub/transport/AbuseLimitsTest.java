package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Node tier: what one client can do to a node. Each abuse gets a clear error or close code, and
 * the node goes on serving the others (every test ends by checking a bystander still gets a pong).
 */
class AbuseLimitsTest {
  private Vertx vertx;
  private HubTestClient bystander;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private HubNode node(JsonObject limits) throws Exception {
    HubNode node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("limits", limits)))
        .await(30, TimeUnit.SECONDS);
    bystander = HubTestClient.connect(vertx, node.port(), "/ws?user=bystander");
    return node;
  }

  private void assertBystanderServed() {
    bystander.send(new JsonObject().put("type", "ping").put("id", "still-there"));
    assertThat(bystander.await(f -> "still-there".equals(f.getValue("id"))).getString("type"))
        .isEqualTo("pong");
  }

  @Test
  void aFloodIsRateLimitedThenClosedWith1008() throws Exception {
    HubNode node = node(new JsonObject().put("ratePerSecond", 20).put("burst", 40));
    HubTestClient flooder = HubTestClient.connect(vertx, node.port(), "/ws?user=flooder");
    for (int i = 0; i < 400; i++) {
      flooder.send(new JsonObject().put("type", "ping").put("id", i));
    }
    assertThat(flooder.awaitError("rate_limited").getString("message"))
        .contains("20 messages per second");
    assertThat(flooder.awaitClose()).isEqualTo(1008);
    assertThat(flooder.received(f -> "pong".equals(f.getString("type"))).size())
        .as("pongs")
        .isBetween(40, 100);
    assertBystanderServed();
  }

  /**
   * docs/protocol.md section 5 limits the per-connection message rate, and section 7 gives binary
   * frames the same limits as text frames: a flood of binary frames must end like a text flood.
   */
  @Test
  void aBinaryFloodIsRateLimitedThenClosedWith1008() throws Exception {
    HubNode node = node(new JsonObject().put("ratePerSecond", 10).put("burst", 10));
    HubTestClient flooder = HubTestClient.connect(vertx, node.port(), "/ws?user=flooder");
    byte[] header = "{\"type\":\"publish\",\"channel\":\"files\",\"event\":{\"type\":\"file\"}}"
        .getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer()
        .appendInt(header.length)
        .appendBytes(header)
        .appendBytes(new byte[] {1, 2, 3});
    for (int i = 0; i < 100; i++) {
      flooder.sendBinary(frame.copy());
    }
    assertThat(flooder.awaitError("rate_limited")).isNotNull();
    assertThat(flooder.awaitClose()).isEqualTo(1008);
    assertBystanderServed();
  }

  @Test
  void oversizedFramesGetTooLargeAndClose1009() throws Exception {
    HubNode node = node(new JsonObject().put("frameBytes", 4096));
    HubTestClient big = HubTestClient.connect(vertx, node.port(), "/ws?user=big");
    big.send(new JsonObject().put("type", "echo").put("s", "x".repeat(5000)));
    assertThat(big.awaitError("too_large").getString("message")).contains("4096 bytes");
    assertThat(big.awaitClose()).isEqualTo(1009);
    // A frame far over the limit, which Netty refuses from its header:
    // dev.hub.security.OversizedFrameTest. Split into continuation frames, each small, the message
    // is refused once the sum passes the limit.
    try (RawWebSocket pieces = RawWebSocket.connect(node.port(), "/ws?user=pieces", 0)) {
      assertThat(pieces.readFrame().text()).contains("\"connected\"");
      byte[] chunk = "x".repeat(3000).getBytes(StandardCharsets.UTF_8);
      pieces.sendFragment(RawWebSocket.TEXT, chunk, false);
      pieces.sendFragment(0, chunk, false);
      assertThat(pieces.readFrame().text()).contains("too_large");
      assertThat(pieces.readUntilClose()).isEqualTo(1009);
    }
    assertBystanderServed();
  }

  @Test
  void aStringWithinTheLimitIsServedAndOneOverItIsTooLarge() throws Exception {
    HubNode node = node(new JsonObject().put("frameBytes", 8192));
    HubTestClient client = HubTestClient.connect(vertx, node.port(), "/ws?user=strings");
    String fits = "é".repeat(3000); // 6000 bytes of UTF-8
    client.send(new JsonObject().put("type", "echo").put("id", 1).put("s", fits));
    assertThat(client.await(f -> Integer.valueOf(1).equals(f.getValue("id"))).getString("s"))
        .isEqualTo(fits);
    // 4500 characters, 9000 bytes: the limit counts bytes, not characters.
    client.send(new JsonObject().put("type", "echo").put("id", 2).put("s", "é".repeat(4500)));
    assertThat(client.awaitError("too_large")).isNotNull();
    assertThat(client.awaitClose()).isEqualTo(1009);
    assertBystanderServed();
  }

  @Test
  void tenThousandSubscribesStayWithinTheSubscriptionLimit() throws Exception {
    // 10 000 replies are about 1 MB: with the default outbound limit a test client that reads
    // them more slowly than the node writes is (rightly) closed as a slow consumer.
    HubNode node = node(new JsonObject()
        .put("ratePerSecond", 1_000_000)
        .put("burst", 1_000_000)
        .put("subscriptions", 256)
        .put("outboundBytes", 16 << 20));
    HubTestClient greedy = HubTestClient.connect(vertx, node.port(), "/ws?user=greedy");
    for (int i = 0; i < 10_000; i++) {
      greedy.send(new JsonObject().put("type", "subscribe").put("id", i).put("channel", "c" + i));
    }
    greedy.await(f -> Integer.valueOf(9_999).equals(f.getValue("id")));
    assertThat(greedy.received(f -> "subscribed".equals(f.getString("type")))).hasSize(256);
    assertThat(greedy.received(f -> "too_many_subscriptions".equals(f.getString("code"))))
        .hasSize(10_000 - 256);
    assertThat(node.localChannels().await(10, TimeUnit.SECONDS)).isEqualTo(256);
    assertThat(greedy.isClosed()).isFalse();
    greedy.close();
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> node.localChannels().await(10, TimeUnit.SECONDS) == 0);
    assertBystanderServed();
  }

  @Test
  void nestingAHundredThousandDeepIsInvalidJson() throws Exception {
    HubNode node = node(new JsonObject().put("frameBytes", 1 << 20));
    HubTestClient deep = HubTestClient.connect(vertx, node.port(), "/ws?user=deep");
    String nested = "[".repeat(100_000) + "]".repeat(100_000);
    deep.sendText("{\"type\":\"echo\",\"x\":" + nested + "}");
    assertThat(deep.awaitError("invalid_json")).isNotNull();
    String objects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
    deep.sendText(objects);
    assertThat(deep.received(f -> "invalid_json".equals(f.getString("code")))).isNotEmpty();
    deep.send(new JsonObject().put("type", "ping").put("id", "after"));
    assertThat(deep.await(f -> "after".equals(f.getValue("id"))).getString("type"))
        .isEqualTo("pong");
    assertThat(deep.received(f -> "invalid_json".equals(f.getString("code")))).hasSize(2);
    assertBystanderServed();
  }

  @Test
  void invalidUtf8InATextFrameClosesWith1007() throws Exception {
    HubNode node = node(new JsonObject());
    try (RawWebSocket raw = RawWebSocket.connect(node.port(), "/ws?user=raw", 0)) {
      assertThat(raw.readFrame().text()).contains("\"connected\"");
      byte[] prefix = "{\"type\":\"echo\",\"s\":\"".getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[prefix.length + 4];
      System.arraycopy(prefix, 0, frame, 0, prefix.length);
      // 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
      frame[prefix.length] = (byte) 0xC3;
      frame[prefix.length + 1] = (byte) 0x28;
      frame[prefix.length + 2] = '"';
      frame[prefix.length + 3] = '}';
      raw.send(RawWebSocket.TEXT, frame);
      assertThat(raw.readUntilClose())
          .as("RFC 6455 8.1: invalid UTF-8 in a text frame")
          .isEqualTo(1007);
    }
    assertBystanderServed();
  }

  @Test
  void perNodeLimitRefusesWith4429() throws Exception {
    HubNode node = node(new JsonObject().put("connectionsPerNode", 2));
    HubTestClient second = HubTestClient.connect(vertx, node.port(), "/ws?user=second");
    HubTestClient third =
        HubTestClient.open(vertx, node.port(), "/ws?user=third", Map.of(), HubTestClient.WAIT);
    assertThat(third.awaitError("too_many_connections").getString("message")).contains("full");
    assertThat(third.awaitClose()).isEqualTo(4429);
    assertThat(second.isClosed()).isFalse();
    assertBystanderServed();
  }

  @Test
  void perUserLimitAppliesInOpenModeToo() throws Exception {
    HubNode node = node(new JsonObject().put("connectionsPerUser", 1));
    HubTestClient first = HubTestClient.connect(vertx, node.port(), "/ws?user=solo");
    HubTestClient again =
        HubTestClient.open(vertx, node.port(), "/ws?user=solo", Map.of(), HubTestClient.WAIT);
    assertThat(again.awaitClose()).isEqualTo(4429);
    first.close();
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> node.connections() == 1);
    List<HubTestClient> later = List.of(HubTestClient.connect(vertx, node.port(), "/ws?user=solo"));
    assertThat(later.get(0).isClosed())
        .as("the place is free again once the first one left")
        .isFalse();
    assertBystanderServed();
  }
}
