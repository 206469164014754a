package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three secured nodes, clients with tokens signed by nimbus-jose-jwt on every node: a subscribe,
 * publish, broadcast, direct or rpc outside the token's claims gets {@code forbidden} and delivers
 * nothing anywhere, and no client can publish as someone else.
 *
 * <p>Absence is checked without sleeping: after each refused frame the same client publishes a
 * fence event it may send. Events from one node reach another in order, so once every client has
 * the fence, anything the refused frame had published would have arrived before it.
 */
class PermissionsIT {
  private static final String SECRET = "permissions-it-secret-0123456789-abcdefghijkl";
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final String LOBBY = "room:lobby";

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(3, HubCluster.secured(SECRET));

  private static final AtomicInteger fences = new AtomicInteger();
  private static final AtomicInteger ids = new AtomicInteger();
  private static HubTestClient alice1;
  private static HubTestClient bob2;
  private static HubTestClient carol3;
  private static HubTestClient dave3;
  private static List<HubTestClient> everyone;

  @BeforeAll
  static void connect() {
    HubCluster cluster = hub.cluster();
    // alice: may read rooms, write the lobby and call orders.* with rpc, nothing else.
    alice1 = cluster.connectWithToken(
        0, token("alice", List.of("room:*"), List.of(LOBBY), false, List.of("orders.*"), SECRET));
    // bob: reads rooms and the secret channel, writes the lobby and to carol directly
    // ("user:carol").
    bob2 = cluster.connectWithToken(
        1, token("bob", List.of("room:*", "secret"), List.of(LOBBY, "user:carol"), false));
    // carol: reads and writes rooms and secret, may broadcast (and so send to anyone directly),
    // and holds "rpc": ["*"].
    carol3 = cluster.connectWithToken(
        2,
        token(
            "carol",
            List.of("room:*", "secret"),
            List.of("room:*", "secret"),
            true,
            List.of("*"),
            SECRET));
    dave3 = cluster.connectWithToken(2, token("dave", List.of("room:*"), List.of(LOBBY), false));
    everyone = List.of(alice1, bob2, carol3, dave3);
    for (HubTestClient client : everyone) {
      assertThat(request(client, new JsonObject().put("type", "subscribe").put("channel", LOBBY))
              .getString("type"))
          .isEqualTo("subscribed");
    }
    for (HubTestClient client : List.of(bob2, carol3)) {
      assertThat(request(client, new JsonObject().put("type", "subscribe").put("channel", "secret"))
              .getString("type"))
          .isEqualTo("subscribed");
    }
  }

  @Test
  void aSubscribeOutsideTheClaimsIsForbiddenAndReceivesNothing() {
    JsonObject reply =
        request(alice1, new JsonObject().put("type", "subscribe").put("channel", "secret"));
    assertForbidden(reply);
    request(
        carol3,
        new JsonObject()
            .put("type", "publish")
            .put("channel", "secret")
            .put("event", new JsonObject().put("type", "classified").put("n", 1)));
    fence(carol3);
    assertThat(received(bob2, "classified")).hasSize(1);
    assertThat(received(alice1, "classified")).isEmpty();
    assertThat(received(dave3, "classified")).isEmpty();
  }

  @Test
  void aPublishOutsideTheClaimsIsForbiddenAndDeliversNothing() {
    assertForbidden(request(
        alice1,
        new JsonObject()
            .put("type", "publish")
            .put("channel", "secret")
            .put("event", new JsonObject().put("type", "leak"))));
    assertForbidden(request(
        alice1,
        new JsonObject()
            .put("type", "publish")
            .put("channel", "room:kitchen")
            .put("event", new JsonObject().put("type", "leak"))));
    // The shorthand follows the same rule.
    assertForbidden(request(alice1, new JsonObject().put("type", "leak").put("channel", "secret")));
    fence(alice1);
    everyone.forEach(client -> assertThat(received(client, "leak")).isEmpty());
  }

  @Test
  void aBroadcastWithoutTheClaimIsForbiddenAndDeliversNothing() {
    assertForbidden(request(
        alice1,
        new JsonObject()
            .put("type", "broadcast")
            .put("event", new JsonObject().put("type", "shout"))));
    assertForbidden(request(alice1, new JsonObject().put("type", "shout")));
    fence(alice1);
    everyone.forEach(client -> assertThat(received(client, "shout")).isEmpty());

    request(
        carol3,
        new JsonObject()
            .put("type", "broadcast")
            .put("event", new JsonObject().put("type", "announce")));
    fence(carol3);
    everyone.forEach(client -> assertThat(received(client, "announce")).hasSize(1));
  }

  @Test
  void aDirectOutsideTheClaimsIsForbiddenAndDeliversNothing() {
    assertForbidden(request(
        alice1,
        new JsonObject()
            .put("type", "direct")
            .put("user", "bob")
            .put("event", new JsonObject().put("type", "whisper").put("from", "alice"))));
    fence(alice1);
    assertThat(received(bob2, "whisper")).isEmpty();

    // bob's publish claim names "user:carol": that one user, and no other.
    assertThat(request(
                bob2,
                new JsonObject()
                    .put("type", "direct")
                    .put("user", "carol")
                    .put("event", new JsonObject().put("type", "note")))
            .getString("type"))
        .isEqualTo("ack");
    assertForbidden(request(
        bob2,
        new JsonObject()
            .put("type", "direct")
            .put("user", "dave")
            .put("event", new JsonObject().put("type", "note-for-dave"))));
    fence(bob2);
    assertThat(received(carol3, "note"))
        .singleElement()
        .satisfies(e -> assertThat(e.getString("from")).isEqualTo("bob"));
    everyone.stream()
        .filter(c -> c != carol3)
        .forEach(client -> assertThat(received(client, "note")).isEmpty());
    assertThat(received(dave3, "note-for-dave")).isEmpty();
  }

  @Test
  void noClientCanPublishAsSomeoneElse() {
    request(
        alice1,
        new JsonObject()
            .put("type", "publish")
            .put("channel", LOBBY)
            .put("event", new JsonObject().put("type", "forged").put("from", "carol")));
    fence(alice1);
    for (HubTestClient client : everyone) {
      assertThat(received(client, "forged"))
          .singleElement()
          .satisfies(e -> assertThat(e.getString("from")).isEqualTo("alice"));
    }
  }

  @Test
  void anRpcOutsideTheClaimsIsForbiddenAndNeverReachesTheService() {
    Vertx service = hub.cluster().startService();
    AtomicInteger orders = new AtomicInteger();
    AtomicInteger refunds = new AtomicInteger();
    service.eventBus().<Object>consumer("orders.create", message -> {
      orders.incrementAndGet();
      message.reply(
          new JsonObject().put("ok", true).put("caller", message.headers().get("hub-user")));
    });
    service.eventBus().<Object>consumer("billing.refund", message -> {
      refunds.incrementAndGet();
      message.reply(new JsonObject().put("refunded", true));
    });
    // The nodes learn of the service's consumers asynchronously: call until one answers.
    Awaitility.await("the service is reachable")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "rpc_result".equals(request(alice1, rpc("orders.create")).getString("type")));
    int answered = orders.get();

    assertForbidden(request(alice1, rpc("billing.refund")));
    assertForbidden(request(alice1, rpc("hub.publish")));
    // Even "rpc": ["*"] never reaches the hub's own addresses: no event is published through them.
    assertForbidden(request(
        carol3,
        new JsonObject()
            .put("type", "rpc")
            .put("address", "hub.publish")
            .put(
                "body",
                new JsonObject()
                    .put("channel", LOBBY)
                    .put("event", new JsonObject().put("type", "smuggled")))));
    // A later call from the same node reaches the service after anything the refused ones sent.
    JsonObject result = request(alice1, rpc("orders.create"));
    assertThat(result.getJsonObject("body").getString("caller")).isEqualTo("alice");
    fence(carol3);
    assertThat(orders.get()).isEqualTo(answered + 1);
    assertThat(refunds.get()).isZero();
    everyone.forEach(client -> assertThat(received(client, "smuggled")).isEmpty());
  }

  private static JsonObject rpc(String address) {
    return new JsonObject()
        .put("type", "rpc")
        .put("address", address)
        .put("body", new JsonObject().put("n", 1));
  }

  @Test
  void aRefusedTokenIsRefusedOnEveryNode() {
    String forged = token(
        "mallory", List.of("*"), List.of("*"), true, "another-secret-0123456789-abcdefghijklmn");
    for (int node = 0; node < 3; node++) {
      int index = node;
      try {
        hub.cluster().connectWithToken(index, forged);
        throw new IllegalStateException(
            "node " + (index + 1) + " accepted a token signed with another secret");
      } catch (AssertionError refused) {
        assertThat(refused.getMessage()).contains("401");
      }
    }
  }

  private static void assertForbidden(JsonObject reply) {
    assertThat(reply.getString("type")).isEqualTo("error");
    assertThat(reply.getString("code")).isEqualTo("forbidden");
  }

  /** Sends with a fresh id and waits for the reply carrying it. */
  private static JsonObject request(HubTestClient client, JsonObject frame) {
    return client.request(frame.put("id", "r" + ids.incrementAndGet()), WAIT);
  }

  /** An event in the lobby from {@code sender}, awaited on every client. */
  private static void fence(HubTestClient sender) {
    int n = fences.incrementAndGet();
    sender.send(new JsonObject()
        .put("type", "publish")
        .put("channel", LOBBY)
        .put("event", new JsonObject().put("type", "fence").put("n", n)));
    Predicate<JsonObject> isFence =
        f -> "fence".equals(f.getString("type")) && Integer.valueOf(n).equals(f.getInteger("n"));
    everyone.forEach(client -> client.await(isFence, WAIT));
  }

  private static List<JsonObject> received(HubTestClient client, String type) {
    return client.received(f -> type.equals(f.getString("type")));
  }

  private static String token(
      String sub, List<String> channels, List<String> publish, boolean broadcast) {
    return token(sub, channels, publish, broadcast, SECRET);
  }

  private static String token(
      String sub, List<String> channels, List<String> publish, boolean broadcast, String secret) {
    return token(sub, channels, publish, broadcast, List.of(), secret);
  }

  private static String token(
      String sub,
      List<String> channels,
      List<String> publish,
      boolean broadcast,
      List<String> rpc,
      String secret) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(sub)
        .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
        .claim("channels", channels)
        .claim("publish", publish)
        .claim("broadcast", broadcast)
        .claim("rpc", rpc)
        .build();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
