package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.routing.Addresses;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while events flow to it at full rate is closed as a slow consumer,
 * and the node's buffer for it never passes the limit by more than one frame, however long the
 * flow goes on. Measured, not timed: the node counts each connection's bytes from the write until
 * Netty reports them handed to the kernel (Vert.x's queue and Netty's buffer together), records
 * the peak, and the test asserts on it.
 */
class SlowConsumerTest {
  private static final int LIMIT = 64 * 1024;
  private static final String PAYLOAD = "x".repeat(4000);

  private Vertx vertx;
  private HubNode node;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("limits", new JsonObject().put("outboundBytes", LIMIT))))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatStopsReadingIsClosedBeforeItsBufferPassesTheLimit() throws Exception {
    HubTestClient bystander = HubTestClient.connect(vertx, node.port(), "/ws?user=bystander");
    try (RawWebSocket slow = RawWebSocket.connect(node.port(), "/ws?user=slow", 4096)) {
      assertThat(slow.readFrame().text()).contains("\"connected\"");
      // From here on the test reads nothing from the slow socket.
      AtomicBoolean flowing = new AtomicBoolean(true);
      AtomicLong sent = new AtomicLong();
      JsonObject request = new JsonObject()
          .put("user", "slow")
          .put("event", new JsonObject().put("type", "tick").put("data", PAYLOAD));
      // 32 publishes in flight at a time: as fast as the node takes them, without the test's own
      // queue growing without bound.
      vertx.runOnContext(v -> {
        for (int i = 0; i < 32; i++) {
          pump(request, flowing, sent);
        }
      });
      try {
        Awaitility.await("the slow consumer is closed")
            .atMost(Duration.ofSeconds(60))
            .until(() -> node.slowConsumerCloses() == 1);
      } finally {
        flowing.set(false);
      }
      long frame = PAYLOAD.length() + 200;
      long peak = node.outboundPeakBytes();
      assertThat(peak)
          .as("bytes buffered for the slow client (events sent: %d)", sent.get())
          .isGreaterThan(LIMIT - frame)
          .isLessThanOrEqualTo(LIMIT + 512);
      assertThat(sent.get() * frame)
          .as("far more was published than the node kept")
          .isGreaterThan(4L * LIMIT);
      Awaitility.await("the node lets the connection go")
          .atMost(Duration.ofSeconds(30))
          .until(() -> node.connections() == 1);
      // What the kernel still held reaches the client, then the connection ends.
      int close = slow.readUntilClose();
      assertThat(close)
          .as("4009 when the close frame got through, -1 when the node had to drop it")
          .isIn(4009, -1);
    }
    bystander.send(new JsonObject().put("type", "ping").put("id", 1));
    assertThat(bystander.awaitType("pong")).isNotNull();
    assertThat(bystander.isClosed()).isFalse();
    bystander.close();
  }

  private void pump(JsonObject request, AtomicBoolean flowing, AtomicLong sent) {
    if (!flowing.get()) {
      return;
    }
    vertx.eventBus().request(Addresses.PUBLISH, request).onComplete(reply -> {
      sent.incrementAndGet();
      pump(request, flowing, sent);
    });
  }
}
