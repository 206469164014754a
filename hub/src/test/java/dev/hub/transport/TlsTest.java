package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** wss with a PEM certificate and key from configuration. */
class TlsTest {
  private Vertx vertx;
  private HubNode node;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put(
                    "tls",
                    new JsonObject()
                        .put("cert", certificate.certificatePath())
                        .put("key", certificate.privateKeyPath()))))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void servesWss() throws Exception {
    // A plain JDK TLS socket doing the WebSocket handshake by hand: what is checked is the node,
    // not a client library's TLS settings.
    try (RawWebSocket wss = RawWebSocket.connectTls(node.port(), "/ws?user=tls")) {
      JsonObject connected = new JsonObject(wss.readFrame().text());
      assertThat(connected.getString("type")).isEqualTo("connected");
      assertThat(connected.getString("user")).isEqualTo("tls");
      wss.sendText("{\"type\":\"ping\",\"id\":1}");
      assertThat(new JsonObject(wss.readFrame().text()).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void refusesPlainWebSockets() {
    assertThatThrownBy(() -> vertx
            .createWebSocketClient()
            .connect(new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(node.port())
                .setURI("/ws?user=plain"))
            .await(10, TimeUnit.SECONDS))
        .isNotNull();
  }

  @Test
  void aMissingCertificateFileStopsTheNodeFromStarting() throws Exception {
    // A Vert.x of its own: a second node on port 0 of the same one would share the first's socket.
    Vertx other = Vertx.vertx();
    try {
      assertThatThrownBy(() -> HubNode.deploy(
                  other,
                  ConfigReader.read(new JsonObject()
                      .put("open", true)
                      .put("port", 0)
                      .put("eventLoops", 1)
                      .put(
                          "tls",
                          new JsonObject()
                              .put("cert", "/no/such/cert.pem")
                              .put("key", "/no/key.pem"))))
              .await(30, TimeUnit.SECONDS))
          .hasMessageContaining("/no/");
    } finally {
      other.close().await(30, TimeUnit.SECONDS);
    }
  }
}
