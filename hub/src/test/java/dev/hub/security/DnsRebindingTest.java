package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.node.HubNode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: DNS rebinding. A page on {@code evil.example} has its name re-resolved to 127.0.0.1; the
 * browser then sends the page's own requests to the developer's open node, as same-origin, with no
 * {@code Origin} on a GET and {@code Host: evil.example}, and the page reads the answers: stats,
 * history, presence, metrics. The origin check cannot see it; the {@code Host} header can. An open
 * node on a loopback address answers only requests addressed to this machine by a loopback name.
 */
class DnsRebindingTest {
  private final OwnVertxNodes nodes = new OwnVertxNodes();

  @AfterEach
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void anOpenNodeRefusesRequestsForAnotherHostName() throws Exception {
    HubNode node = node(new JsonObject().put("open", true));
    for (String path : List.of(
        "/api/stats", "/api/channels/tasks/history", "/api/channels/tasks/presence", "/metrics")) {
      RawHttp.Response rebound = get(node, path, "evil.example:" + node.port());
      assertThat(rebound.status()).as("GET %s for evil.example", path).isEqualTo(403);
      assertThat(rebound.json().getString("code")).isEqualTo("forbidden");
      assertThat(rebound.json().getString("message")).contains("evil.example");
    }
    assertThat(get(node, "/api/stats", "evil.example").status()).isEqualTo(403);
    assertThat(get(node, "/api/stats", "127.0.0.1.evil.example").status()).isEqualTo(403);
    assertThat(get(node, "/api/stats", "localhost.evil.example:" + node.port()).status())
        .isEqualTo(403);
  }

  @Test
  void anOpenNodeAnswersLoopbackNamesAndClientsThatSendNoHost() throws Exception {
    HubNode node = node(new JsonObject().put("open", true));
    for (String host : List.of(
        "127.0.0.1:" + node.port(),
        "localhost:" + node.port(),
        "LOCALHOST",
        "[::1]:" + node.port(),
        "app.localhost:" + node.port())) {
      assertThat(get(node, "/api/stats", host).status()).as("Host %s", host).isEqualTo(200);
    }
    assertThat(get(node, "/api/stats", null).status()).as("no Host (HTTP/1.0)").isEqualTo(200);
  }

  @Test
  void aNodeOthersMayReachAnswersAnyHostName() throws Exception {
    // --insecure: the operator means the node to be reached under other names; a secured node
    // needs a token for everything a rebinding page could read.
    HubNode node = node(new JsonObject().put("open", true).put("insecure", true));
    assertThat(get(node, "/api/stats", "hub.internal:" + node.port()).status()).isEqualTo(200);
  }

  private HubNode node(JsonObject config) throws Exception {
    return nodes.start(config);
  }

  private static RawHttp.Response get(HubNode node, String path, String host) throws Exception {
    String head = host == null
        ? "GET " + path + " HTTP/1.0\r\n\r\n"
        : "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    return RawHttp.exchange(node.port(), head, new byte[0]);
  }
}
