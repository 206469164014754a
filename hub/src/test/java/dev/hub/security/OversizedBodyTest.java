package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.auth.TestTokens;
import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: a body far over the limit sent to the HTTP API, declared or streamed in chunks, or a
 * refused request that goes on sending. The node answers 413 (or 401) without buffering the body
 * whole, and stops reading a refused body soon after: it closes the connection once the client has
 * sent more than the limit past the answer.
 */
class OversizedBodyTest {
  private static final int LIMIT = 4096;
  private static final String ADMIN =
      TestTokens.hs256(TestTokens.claims("ops", b -> b.claim("admin", true)));

  private Vertx vertx;
  private HubNode node;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("port", 0)
                .put("eventLoops", 1)
                .put("limits", new JsonObject().put("frameBytes", LIMIT))
                .put("jwt", new JsonObject().put("secret", TestTokens.SECRET))))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aDeclaredBodyOverTheLimitGets413BeforeItIsSentAndTheRestIsNotRead() throws Exception {
    try (RawHttp http = RawHttp.connect(node.port())) {
      http.send(bytes(RawHttp.head(
          "POST",
          "/api/publish",
          node.port(),
          "Authorization: Bearer " + ADMIN,
          "Content-Type: application/json",
          "Content-Length: 10485760")));
      RawHttp.Response response = http.readResponse();
      assertThat(response.status()).isEqualTo(413);
      assertThat(response.json().getString("code")).isEqualTo("too_large");
      assertThat(http.sendUntilClosed(10L << 20, false))
          .as("the node closed the connection instead of reading 10 MiB")
          .isTrue();
    }
  }

  @Test
  void aChunkedBodyGets413OnceItPassesTheLimitAndTheRestIsNotRead() throws Exception {
    try (RawHttp http = RawHttp.connect(node.port())) {
      http.send(bytes(RawHttp.head(
          "POST",
          "/api/publish",
          node.port(),
          "Authorization: Bearer " + ADMIN,
          "Content-Type: application/json",
          "Transfer-Encoding: chunked")));
      String chunk = Integer.toHexString(1024) + "\r\n" + "x".repeat(1024) + "\r\n";
      for (int i = 0; i <= LIMIT / 1024; i++) {
        http.send(bytes(chunk));
      }
      RawHttp.Response response = http.readResponse();
      assertThat(response.status()).isEqualTo(413);
      assertThat(http.sendUntilClosed(10L << 20, true))
          .as("the node closed the connection instead of reading 10 MiB")
          .isTrue();
    }
  }

  @Test
  void aRefusedRequestThatGoesOnSendingIsCutOff() throws Exception {
    try (RawHttp http = RawHttp.connect(node.port())) {
      http.send(bytes(RawHttp.head(
          "POST",
          "/api/publish",
          node.port(),
          "Content-Type: application/json",
          "Content-Length: 10485760")));
      assertThat(http.readResponse().status()).isEqualTo(401);
      assertThat(http.sendUntilClosed(10L << 20, false))
          .as("the node closed the connection instead of reading 10 MiB")
          .isTrue();
    }
  }

  @Test
  void aBodyWithinTheLimitIsServedAndTheConnectionKept() throws Exception {
    String event = "{\"channel\":\"tasks\",\"event\":{\"type\":\"t\",\"s\":\""
        + "x".repeat(LIMIT - 100) + "\"}}";
    try (RawHttp http = RawHttp.connect(node.port())) {
      for (int i = 0; i < 2; i++) {
        http.send(bytes(RawHttp.head(
                "POST",
                "/api/publish",
                node.port(),
                "Authorization: Bearer " + ADMIN,
                "Content-Type: application/json",
                "Content-Length: " + event.length())
            + event));
        assertThat(http.readResponse().status())
            .as("publish %d on one connection", i)
            .isEqualTo(200);
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
