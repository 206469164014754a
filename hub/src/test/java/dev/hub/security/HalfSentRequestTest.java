package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.transport.RawWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: sockets that send part of an HTTP request and stop (slowloris), or connect and idle. Each
 * held a connection forever and no limit counted it. A client now has {@code requestTimeoutMs} from
 * connecting, or from its previous response, to send a whole request; an upgraded WebSocket is no
 * longer an HTTP connection and is not affected.
 */
class HalfSentRequestTest {
  private static final int TIMEOUT_MS = 1000;
  /** Room for a loaded machine: the node's timer and the test's reads both run late there. */
  private static final int MARGIN_MS = 3000;

  private static final byte[] HALF_REQUEST =
      "GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);

  private Vertx vertx;
  private HubNode node;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("limits", new JsonObject().put("requestTimeoutMs", TIMEOUT_MS))))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void twentyHalfSentRequestsAreClosedWithinTheTimeout() throws Exception {
    long started = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      send(open(), HALF_REQUEST);
    }
    for (int i = 0; i < sockets.size(); i++) {
      long remaining = TIMEOUT_MS + MARGIN_MS - elapsedMs(started);
      assertThat(closedWithin(sockets.get(i), remaining))
          .as("half-sent request %d closed within %d ms", i, TIMEOUT_MS + MARGIN_MS)
          .isTrue();
    }
    assertThat(elapsedMs(started))
        .as("held until the timeout, not refused at once")
        .isGreaterThanOrEqualTo(TIMEOUT_MS / 2);
  }

  @Test
  void aCompletedUpgradeStaysOpenPastTheTimeout() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), "/ws?user=patient", 0)) {
      assertThat(ws.readFrame().text()).contains("\"connected\"");
      // A half-sent request opened after the upgrade is the clock: once it is closed, the
      // WebSocket has lived longer than the timeout.
      Socket clock = open();
      send(clock, HALF_REQUEST);
      assertThat(closedWithin(clock, TIMEOUT_MS + MARGIN_MS))
          .as("the half-sent request is closed")
          .isTrue();
      ws.sendText("{\"type\":\"ping\",\"id\":7}");
      assertThat(ws.readFrame().text()).contains("\"pong\"").contains("7");
      assertThat(node.connections()).isEqualTo(1);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheTimeout() throws Exception {
    Socket socket = open();
    long sent = System.nanoTime();
    send(
        socket,
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    String head = readResponse(socket);
    assertThat(head).startsWith("HTTP/1.1 200");
    assertThat(closedWithin(socket, TIMEOUT_MS + MARGIN_MS))
        .as("idle keep-alive connection closed")
        .isTrue();
    assertThat(elapsedMs(sent)).isGreaterThanOrEqualTo(TIMEOUT_MS / 2);
    assertThat(head.toLowerCase(Locale.ROOT))
        .as("tells the client how long it may idle")
        .contains("keep-alive: timeout=");
  }

  @Test
  void aRequestSentSlowlyButWithinTheTimeoutIsServed() throws Exception {
    Socket socket = open();
    send(socket, HALF_REQUEST);
    // Nothing comes back for half the timeout: the request is still being waited for.
    socket.setSoTimeout(TIMEOUT_MS / 2);
    try {
      int read = socket.getInputStream().read();
      throw new AssertionError("the node answered a half-sent request early: " + read);
    } catch (SocketTimeoutException expected) {
      // Still open, still waiting.
    }
    send(socket, "\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(readResponse(socket)).startsWith("HTTP/1.1 ");
  }

  private Socket open() throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 10_000);
    return socket;
  }

  private static void send(Socket socket, byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** True when the node closed the socket (end of stream or reset) within {@code millis}. */
  private static boolean closedWithin(Socket socket, long millis) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** Reads one response: its head, returned, and its body, by Content-Length. */
  private static String readResponse(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the response ended: " + head);
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).trim()));
      }
    }
    return text;
  }

  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
