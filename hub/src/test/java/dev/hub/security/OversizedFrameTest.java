package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.transport.RawWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: one frame far over the size limit (200 KiB against the default 64 KiB, more than the
 * twice the limit that Netty's decoder lets through). The decoder refuses it from its header, before
 * it is buffered; the client must still learn why, from a {@code too_large} error and close 1009,
 * rather than from a TCP reset that destroys the close frame (1006 at the client).
 */
class OversizedFrameTest {
  private Vertx vertx;
  private HubNode node;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(
                new JsonObject().put("open", true).put("port", 0).put("eventLoops", 1)))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aFrameOverTwiceTheLimitGetsTooLargeAndClose1009() throws Exception {
    HubTestClient bystander = HubTestClient.connect(vertx, node.port(), "/ws?user=bystander");
    try (RawWebSocket huge = RawWebSocket.connect(node.port(), "/ws?user=huge", 0)) {
      assertThat(huge.readFrame().text()).contains("\"connected\"");
      try {
        huge.sendText("{\"type\":\"echo\",\"s\":\"" + "x".repeat(200 * 1024) + "\"}");
      } catch (SocketException dropped) {
        // Reported below as the frames that did not arrive.
      }
      List<RawWebSocket.Frame> frames = new ArrayList<>();
      try {
        RawWebSocket.Frame frame;
        do {
          frame = huge.readFrame();
          frames.add(frame);
        } while (frame.opcode() != RawWebSocket.CLOSE);
      } catch (EOFException | SocketException ended) {
        // The connection ended without a close frame: the assertion below shows what did arrive.
      }
      assertThat(frames)
          .as("frames after the oversized one")
          .anySatisfy(f -> assertThat(f.text()).contains("\"too_large\"").contains("65536 bytes"))
          .last()
          .satisfies(f -> {
            assertThat(f.opcode()).as("last frame is a close frame").isEqualTo(RawWebSocket.CLOSE);
            assertThat(f.closeCode()).isEqualTo(1009);
          });
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Awaitility.await("the node lets the connection go")
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.connections() == 1);
    bystander.send(new JsonObject().put("type", "ping").put("id", 1));
    assertThat(bystander.awaitType("pong")).isNotNull();
    bystander.close();
  }
}
