package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.transport.RawWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: frames that break RFC 6455 framing, which Netty's decoder refuses. The client gets a
 * close frame with 1002 (protocol error) rather than a dropped TCP connection, and the node goes on.
 */
class MalformedFrameTest {
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
  void anUnmaskedFrameGetsClose1002() throws Exception {
    assertClosedWith1002(unmasked("{\"type\":\"ping\"}"));
  }

  @Test
  void aControlFrameOver125BytesGetsClose1002() throws Exception {
    assertClosedWith1002(RawWebSocket.encode(RawWebSocket.PING, new byte[200], true));
  }

  private void assertClosedWith1002(byte[] frame) throws Exception {
    try (RawWebSocket client = RawWebSocket.connect(node.port(), "/ws?user=broken", 0)) {
      assertThat(client.readFrame().text()).contains("\"connected\"");
      client.sendBytes(frame);
      assertThat(client.readUntilClose()).as("close code").isEqualTo(1002);
    }
    Awaitility.await("the node lets the connection go")
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.connections() == 0);
  }

  /** A text frame as a server would send it: clients must mask theirs. */
  private static byte[] unmasked(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[payload.length + 2];
    frame[0] = (byte) (0x80 | RawWebSocket.TEXT);
    frame[1] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 2, payload.length);
    return frame;
  }
}
