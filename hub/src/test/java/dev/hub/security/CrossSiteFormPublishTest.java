package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack: a page on any site posts a form to a developer's local node in open mode. A browser
 * sends a {@code text/plain}, form or multipart POST cross-site without asking the server first
 * (no CORS preflight), so if the node took such a body as JSON, any site could publish through it.
 * {@code POST /api/publish} takes only {@code application/json}, which a browser does not send
 * cross-site without a preflight the node never answers.
 */
class CrossSiteFormPublishTest {
  private static final String EVENT = "{\"channel\":\"tasks\",\"event\":{\"type\":\"%s\"}}";

  private Vertx vertx;
  private HubNode node;
  private HubTestClient subscriber;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(
                new JsonObject().put("open", true).put("port", 0).put("eventLoops", 1)))
        .await(30, TimeUnit.SECONDS);
    subscriber = HubTestClient.connect(vertx, node.port(), "/ws?user=dev");
    subscriber.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"));
    subscriber.awaitType("subscribed");
  }

  @AfterEach
  void stop() throws Exception {
    subscriber.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "application/jsonp",
        ""
      })
  void aBodyThatIsNotJsonByContentTypeGets415AndPublishesNothing(String contentType)
      throws Exception {
    RawHttp.Response refused = publish(contentType, EVENT.formatted("forged"));
    assertThat(refused.status()).isEqualTo(415);
    assertThat(refused.headers().get("content-type")).isEqualTo("application/json");
    assertThat(refused.json().getString("code")).isEqualTo("unsupported_media_type");
    assertThat(refused.json().getString("message")).contains("application/json");

    // Events of one publisher arrive in order: if the forged one had been published, it would be
    // first.
    assertThat(publish("application/json; charset=UTF-8", EVENT.formatted("genuine"))
            .status())
        .isEqualTo(200);
    subscriber.awaitType("genuine");
    assertThat(subscriber.received(
            f -> f.containsKey("timestamp") && "tasks".equals(f.getString("channel"))))
        .extracting(f -> f.getString("type"))
        .containsExactly("genuine");
  }

  private RawHttp.Response publish(String contentType, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = contentType.isEmpty()
        ? RawHttp.head("POST", "/api/publish", node.port(), "Content-Length: " + bytes.length)
        : RawHttp.head(
            "POST",
            "/api/publish",
            node.port(),
            "Content-Type: " + contentType,
            "Content-Length: " + bytes.length);
    return RawHttp.exchange(node.port(), head, bytes);
  }
}
