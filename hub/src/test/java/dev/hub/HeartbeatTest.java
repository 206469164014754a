package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server pings every {@code heartbeatMs} and closes a connection that has sent nothing for two
 * intervals. A raw socket plays the dead client: it completes the upgrade, then never answers.
 */
class HeartbeatTest {
  private static final int HEARTBEAT_MS = 200;

  private Vertx vertx;
  private HubNode node;

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("heartbeatMs", HEARTBEAT_MS)))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatNeverAnswersIsPingedThenDisconnected() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(15_000);
      upgrade(socket);
      long start = System.nanoTime();
      boolean sawPing = false;
      InputStream in = socket.getInputStream();
      // Read frames until the server closes the TCP connection.
      while (true) {
        int first;
        try {
          first = in.read();
        } catch (SocketTimeoutException e) {
          throw new AssertionError("the silent client was never disconnected", e);
        } catch (IOException reset) {
          break;
        }
        if (first < 0) {
          break;
        }
        int length = in.read() & 0x7F;
        if (length == 126) {
          length = (in.read() << 8) | in.read();
        }
        in.readNBytes(length);
        sawPing |= (first & 0x0F) == 0x9;
      }
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(sawPing).as("the server pinged").isTrue();
      assertThat(elapsedMs)
          .as("not closed before two silent intervals")
          .isGreaterThanOrEqualTo(2L * HEARTBEAT_MS);
    }
    Awaitility.await("the node forgets the connection")
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.connections() == 0);
  }

  private static void upgrade(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    InputStream in = socket.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("no upgrade response: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
  }
}
