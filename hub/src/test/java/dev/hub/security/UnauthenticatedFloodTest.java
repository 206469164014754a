package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.auth.TestTokens;
import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.transport.RawWebSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: many WebSockets opened without a token, each holding a socket until its auth timeout
 * without ever authenticating. Such connections are now counted per client address and per node;
 * over either limit the upgrade is refused on the open socket like any load refusal
 * ({@code too_many_connections}, close 4429). A connection leaves the count when it authenticates
 * or closes. Other client addresses are other loopback addresses (127.0.0.2, ...).
 */
class UnauthenticatedFloodTest {
  private static final int PER_IP = 2;
  private static final int PER_NODE = 3;

  private Vertx vertx;
  private HubNode node;
  private final List<RawWebSocket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("port", 0)
                .put("eventLoops", 1)
                .put("jwt", new JsonObject().put("secret", TestTokens.SECRET))
                .put(
                    "limits",
                    new JsonObject()
                        .put("unauthenticatedPerIp", PER_IP)
                        .put("unauthenticatedPerNode", PER_NODE))))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (RawWebSocket socket : sockets) {
      socket.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void thePerAddressLimitRefusesTheNextAndAdmitsAgainWhenOneAuthenticates() throws Exception {
    RawWebSocket first = admitted("127.0.0.1");
    admitted("127.0.0.1");
    refused("127.0.0.1", "address");
    // Another address still gets in: the limit is per address.
    admitted("127.0.0.2");

    first.sendText(new JsonObject()
        .put("type", "auth")
        .put("id", 1)
        .put("token", TestTokens.hs256(TestTokens.claims("alice")))
        .encode());
    assertThat(first.readFrame().text()).contains("\"authenticated\"");
    admitted("127.0.0.1");
  }

  @Test
  void thePerNodeLimitRefusesTheNextAndAdmitsAgainWhenOneCloses() throws Exception {
    RawWebSocket first = admitted("127.0.0.1");
    admitted("127.0.0.2");
    admitted("127.0.0.3");
    refused("127.0.0.4", "node");
    // A token in the upgrade is no unauthenticated connection: not counted, not refused.
    RawWebSocket withToken = RawWebSocket.connect(
        node.port(), "/ws?token=" + TestTokens.hs256(TestTokens.claims("bob")), 0);
    sockets.add(withToken);
    assertThat(withToken.readFrame().text()).contains("\"connected\"").contains("bob");

    first.close();
    Awaitility.await("the node lets the closed one go")
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.connections() == 3);
    admitted("127.0.0.4");
  }

  private RawWebSocket connect(String address) throws IOException {
    RawWebSocket socket = RawWebSocket.connect(address, node.port(), "/ws", 0);
    sockets.add(socket);
    return socket;
  }

  private RawWebSocket admitted(String address) throws IOException {
    RawWebSocket socket = connect(address);
    assertThat(socket.readFrame().text())
        .as("first frame to %s", address)
        .contains("\"connected\"");
    return socket;
  }

  private void refused(String address, String limit) throws IOException {
    RawWebSocket socket = connect(address);
    RawWebSocket.Frame first = socket.readFrame();
    assertThat(first.text())
        .as("first frame to %s, over the per-%s limit", address, limit)
        .contains("\"too_many_connections\"");
    assertThat(socket.readUntilClose()).isEqualTo(4429);
  }
}
