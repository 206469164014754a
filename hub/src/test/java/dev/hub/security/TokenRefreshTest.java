package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.hub.auth.TestTokens;
import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: keep listening with a token that no longer allows it. A connection's grants come from its
 * token, and a fresh {@code auth} frame replaces them (docs/protocol.md section 1); before the fix
 * the subscriptions made under the old grants stayed, so a user whose access to a channel was taken
 * away went on receiving it for as long as the connection lived, refreshing as told.
 */
class TokenRefreshTest {
  private static final Duration WAIT = HubTestClient.WAIT;

  private Vertx nodeVertx;
  private Vertx clientVertx;
  private HubNode node;
  private final List<HubTestClient> clients = new ArrayList<>();

  @BeforeEach
  void deploy() throws Exception {
    nodeVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    JsonObject config = new JsonObject()
        .put("port", 0)
        .put("eventLoops", 1)
        .put("jwt", new JsonObject().put("secret", TestTokens.SECRET))
        .put(
            "channels",
            new JsonArray()
                .add(new JsonObject().put("pattern", "room:*").put("presence", true))
                .add(new JsonObject()
                    .put("pattern", "tasks")
                    .put("history", new JsonObject().put("size", 100))));
    node = HubNode.deploy(nodeVertx, ConfigReader.read(config))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    clients.forEach(HubTestClient::close);
    clientVertx.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    nodeVertx.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String token(String user, List<String> channels) {
    JWTClaimsSet claims =
        TestTokens.claims(user, TestTokens.grants(channels, List.of("room:*", "tasks"), false));
    return TestTokens.hs256(claims);
  }

  private HubTestClient connect(String token) {
    HubTestClient client = HubTestClient.connect(clientVertx, node.port(), "/ws?token=" + token);
    clients.add(client);
    return client;
  }

  private static JsonObject request(HubTestClient client, JsonObject frame) {
    client.send(frame);
    return client.await(f -> frame.getValue("id").equals(f.getValue("id")));
  }

  private static JsonObject subscribe(String id, String channel) {
    return new JsonObject().put("type", "subscribe").put("id", id).put("channel", channel);
  }

  private static JsonObject publish(String id, String channel, int n) {
    return new JsonObject()
        .put("type", "publish")
        .put("id", id)
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "note").put("n", n));
  }

  private static List<Integer> notes(HubTestClient client, String channel) {
    return client
        .received(f -> "note".equals(f.getString("type")) && channel.equals(f.getString("channel")))
        .stream()
        .map(f -> f.getInteger("n"))
        .toList();
  }

  @Test
  void aRefreshEndsTheSubscriptionsTheNewTokenRefuses() {
    HubTestClient ida = connect(token("ida", List.of("room:*", "tasks")));
    assertThat(request(ida, subscribe("s1", "room:1")).getString("type")).isEqualTo("subscribed");
    assertThat(request(ida, subscribe("s2", "tasks")).getString("type")).isEqualTo("subscribed");
    HubTestClient publisher = connect(token("pub", List.of("room:*")));
    request(publisher, publish("p1", "room:1", 1));
    ida.await(
        f -> "note".equals(f.getString("type")) && Integer.valueOf(1).equals(f.getInteger("n")));

    JsonObject refreshed = request(
        ida,
        new JsonObject()
            .put("type", "auth")
            .put("id", "a")
            .put("token", token("ida", List.of("tasks"))));
    assertThat(refreshed.getString("type")).isEqualTo("authenticated");
    assertThat(ida.await(f -> "unsubscribed".equals(f.getString("type"))))
        .isEqualTo(new JsonObject()
            .put("type", "unsubscribed")
            .put("channel", "room:1")
            .put("reason", "forbidden"));

    request(publisher, publish("p2", "room:1", 2));
    request(publisher, publish("p3", "tasks", 3));
    // One publisher, one node: had the room event been delivered, it would have come first.
    ida.await(f -> "note".equals(f.getString("type")) && "tasks".equals(f.getString("channel")));
    assertThat(notes(ida, "room:1")).as("room events after the refresh").containsExactly(1);
    assertThat(notes(ida, "tasks")).containsExactly(3);
    JsonObject presence = request(
        publisher,
        new JsonObject().put("type", "presence").put("id", "q").put("channel", "room:1"));
    assertThat(presence.getInteger("count"))
        .as("presence of room:1 after the refresh: %s", presence)
        .isZero();
    assertThat(request(
                ida,
                new JsonObject().put("type", "unsubscribe").put("id", "u").put("channel", "room:1"))
            .getString("code"))
        .isEqualTo("not_subscribed");
    assertThat(ida.received(f -> "unsubscribed".equals(f.getString("type")))).hasSize(1);
  }

  @Test
  void aRefreshThatKeepsTheGrantsEndsNothing() {
    HubTestClient ida = connect(token("ida", List.of("room:*")));
    request(ida, subscribe("s1", "room:1"));
    assertThat(request(
                ida,
                new JsonObject()
                    .put("type", "auth")
                    .put("id", "a")
                    .put("token", token("ida", List.of("room:1"))))
            .getString("type"))
        .isEqualTo("authenticated");
    HubTestClient publisher = connect(token("pub", List.of("room:*")));
    request(publisher, publish("p1", "room:1", 1));
    ida.await(f -> "note".equals(f.getString("type")));
    assertThat(ida.received(f -> "unsubscribed".equals(f.getString("type")))).isEmpty();
  }

  @Test
  void aRefreshForAnotherUserIsRefusedAndClosesTheConnection() {
    HubTestClient ida = connect(token("ida", List.of("room:*")));
    request(ida, subscribe("s1", "room:1"));
    JsonObject refused = request(
        ida,
        new JsonObject()
            .put("type", "auth")
            .put("id", "a")
            .put("token", token("root", List.of("room:*", "tasks"))));
    assertThat(List.of(refused.getString("type"), refused.getString("code")))
        .containsExactly("error", "unauthorized");
    assertThat(refused.getString("message")).contains("another user");
    assertThat(ida.awaitClose()).isEqualTo(4401);
    assertThat(ida.received(f -> "authenticated".equals(f.getString("type")))).isEmpty();
    HubTestClient publisher = connect(token("pub", List.of("room:*")));
    JsonObject presence = request(
        publisher,
        new JsonObject().put("type", "presence").put("id", "q").put("channel", "room:1"));
    assertThat(presence.getInteger("count"))
        .as("the closed connection left room:1")
        .isZero();
  }
}
