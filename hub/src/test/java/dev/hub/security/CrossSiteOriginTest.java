package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.auth.TestTokens;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: a page on another site opens a WebSocket to, or calls the HTTP API of, a developer's node
 * in open mode, where every connection gets every permission. Browsers send the page's
 * {@code Origin} with both; an open node without {@code --origins} takes only loopback origins
 * ({@code http(s)://localhost}, {@code 127.0.0.1}, {@code [::1]}, any port), and requests with no
 * {@code Origin} (curl, servers), as before. {@code --origins} replaces that default in every mode.
 */
class CrossSiteOriginTest {
  private static final String EVENT = "{\"channel\":\"tasks\",\"event\":{\"type\":\"t\"}}";
  private final OwnVertxNodes nodes = new OwnVertxNodes();

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void anOpenNodeTakesOnlyLoopbackOriginsOnTheSocketAndTheApi() throws Exception {
    HubNode node = node(new JsonObject().put("open", true));
    for (String foreign : List.of(
        "https://evil.example",
        "http://localhost.evil.example",
        "null",
        "http://127.0.0.1.evil.example:8080",
        "http://192.168.1.20:8080")) {
      assertThat(upgrade(node, foreign)).as("upgrade from %s", foreign).isEqualTo(403);
      RawHttp.Response api = publish(node, foreign);
      assertThat(api.status()).as("publish from %s", foreign).isEqualTo(403);
      assertThat(api.json().getString("code")).isEqualTo("forbidden");
    }
    for (String local : List.of(
        "http://localhost:5173",
        "https://localhost",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "HTTP://LOCALHOST:3000")) {
      assertThat(upgrade(node, local)).as("upgrade from %s", local).isEqualTo(101);
      assertThat(publish(node, local).status()).as("publish from %s", local).isEqualTo(200);
    }
    assertThat(upgrade(node, null)).as("upgrade without Origin").isEqualTo(101);
    assertThat(publish(node, null).status()).as("publish without Origin").isEqualTo(200);
  }

  @Test
  void originsGivenToAnOpenNodeReplaceTheLoopbackDefault() throws Exception {
    HubNode node = node(new JsonObject()
        .put("open", true)
        .put("origins", new JsonArray().add("https://app.example.com")));
    assertThat(upgrade(node, "https://app.example.com")).isEqualTo(101);
    assertThat(publish(node, "https://app.example.com").status()).isEqualTo(200);
    assertThat(upgrade(node, "http://localhost:5173")).isEqualTo(403);
    assertThat(publish(node, "http://localhost:5173").status()).isEqualTo(403);
  }

  @Test
  void aSecuredNodeChecksOriginsOnTheApiToo() throws Exception {
    HubNode node = node(new JsonObject()
        .put("jwt", new JsonObject().put("secret", TestTokens.SECRET))
        .put("origins", new JsonArray().add("https://app.example.com")));
    String admin = "Authorization: Bearer "
        + TestTokens.hs256(TestTokens.claims("ops", b -> b.claim("admin", true)));
    assertThat(publish(node, "https://evil.example", admin).status()).isEqualTo(403);
    assertThat(publish(node, "https://app.example.com", admin).status()).isEqualTo(200);
    assertThat(publish(node, null, admin).status()).isEqualTo(200);
  }

  private HubNode node(JsonObject config) throws Exception {
    return nodes.start(config);
  }

  private int upgrade(HubNode node, String origin) {
    Map<String, String> headers = origin == null ? Map.of() : Map.of("Origin", origin);
    return HubTestClient.upgrade(
            nodes.first(), node.port(), "/ws?user=dev", headers, HubTestClient.WAIT)
        .status();
  }

  private static RawHttp.Response publish(HubNode node, String origin, String... more)
      throws Exception {
    List<String> headers = new ArrayList<>(List.of(
        "Content-Type: application/json",
        "Content-Length: " + EVENT.getBytes(StandardCharsets.UTF_8).length));
    if (origin != null) {
      headers.add("Origin: " + origin);
    }
    headers.addAll(List.of(more));
    return RawHttp.exchange(
        node.port(),
        RawHttp.head("POST", "/api/publish", node.port(), headers.toArray(String[]::new)),
        EVENT.getBytes(StandardCharsets.UTF_8));
  }
}
