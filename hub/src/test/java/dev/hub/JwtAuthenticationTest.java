package dev.hub;

import static dev.hub.auth.TestTokens.claims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.hub.auth.TestTokens;
import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node tier: real nodes verifying real tokens signed by nimbus-jose-jwt, over real WebSocket
 * upgrades. One node per kind of key: an HMAC secret (with iss, aud, an origin allow-list and no
 * leeway), an RSA PEM, an EC PEM, and a JWKS file with one RSA and one EC key.
 */
class JwtAuthenticationTest {
  private static final String ISSUER = "hub-tests";
  private static final String AUDIENCE = "hub";
  private static final String ORIGIN = "https://app.example.com";

  @TempDir
  static Path keys;

  private static Vertx vertx;
  private static final List<Vertx> nodeVertx = new ArrayList<>();
  private static HubNode hs;
  private static HubNode rsaNode;
  private static HubNode ecNode;
  private static HubNode jwksNode;
  private static RSAKey rsa;
  private static ECKey ec;
  private static RSAKey jwksRsa;
  private static ECKey jwksEc;
  private final List<HubTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    vertx = Vertx.vertx();
    rsa = TestTokens.rsa("pem-rsa");
    ec = TestTokens.ec("pem-ec");
    jwksRsa = TestTokens.rsa("k-rsa");
    jwksEc = TestTokens.ec("k-ec");
    Path rsaPem = TestTokens.write(keys, "rsa.pem", TestTokens.pem(rsa.toPublicKey()));
    Path ecPem = TestTokens.write(keys, "ec.pem", TestTokens.pem(ec.toPublicKey()));
    Path jwks = TestTokens.write(keys, "jwks.json", TestTokens.jwks(jwksRsa, jwksEc));
    hs = node(
        new JsonObject()
            .put("secret", TestTokens.SECRET)
            .put("issuer", ISSUER)
            .put("audience", AUDIENCE)
            .put("leewaySeconds", 0),
        c -> c.put("origins", new JsonArray().add(ORIGIN))
            .put(
                "limits", new JsonObject().put("connectionsPerUser", 2).put("authTimeoutMs", 500)));
    rsaNode = node(new JsonObject().put("publicKey", rsaPem.toString()), c -> {});
    ecNode = node(new JsonObject().put("publicKey", ecPem.toString()), c -> {});
    jwksNode = node(new JsonObject().put("jwks", jwks.toString()), c -> {});
  }

  /** Each node on a Vert.x of its own: nodes on port 0 of one Vert.x would share one server socket. */
  private static HubNode node(JsonObject jwt, Consumer<JsonObject> more) throws Exception {
    JsonObject config = new JsonObject().put("port", 0).put("eventLoops", 1).put("jwt", jwt);
    more.accept(config);
    Vertx own = Vertx.vertx();
    nodeVertx.add(own);
    return HubNode.deploy(own, ConfigReader.read(config)).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Vertx own : nodeVertx) {
      own.close().await(30, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(HubTestClient::close);
  }

  /** Claims the HMAC node accepts: its issuer and audience. */
  private static JWTClaimsSet hsClaims(String sub, Consumer<JWTClaimsSet.Builder> more) {
    return claims(sub, b -> {
      b.issuer(ISSUER).audience(AUDIENCE);
      more.accept(b);
    });
  }

  private HubTestClient connect(HubNode node, String token) {
    return connectRaw(node, "/ws?token=" + token, Map.of(), true);
  }

  /** The Vert.x client sends an Origin of its own; the HMAC node allows only {@link #ORIGIN}. */
  private HubTestClient connectRaw(
      HubNode node, String path, Map<String, String> headers, boolean awaitConnected) {
    if (node == hs && !headers.containsKey("Origin")) {
      headers = new HashMap<>(headers);
      headers.put("Origin", ORIGIN);
    }
    HubTestClient client = awaitConnected
        ? HubTestClient.connect(vertx, node.port(), path, headers, HubTestClient.WAIT)
        : HubTestClient.open(vertx, node.port(), path, headers, HubTestClient.WAIT);
    clients.add(client);
    return client;
  }

  private static void assertRefused(HubNode node, String token, String reason) {
    TestHttp.Answer answer = HubTestClient.upgrade(
        vertx, node.port(), "/ws?token=" + token, Map.of(), HubTestClient.WAIT);
    assertThat(answer.status()).as("HTTP status for a token that is " + reason).isEqualTo(401);
    assertThat(answer.json().getString("code")).isEqualTo("unauthorized");
    assertThat(answer.json().getString("message")).as("message for " + reason).contains(reason);
  }

  @Test
  void acceptsHs256InTheQueryAndHs512AsABearerHeader() {
    assertThat(connect(hs, TestTokens.hs256(hsClaims("alice", b -> {})))
            .awaitType("connected")
            .getString("user"))
        .isEqualTo("alice");
    String hs512 = TestTokens.hmac(
        JWSAlgorithm.HS512,
        TestTokens.SECRET.getBytes(StandardCharsets.UTF_8),
        hsClaims("bob", b -> {}));
    HubTestClient bob = connectRaw(hs, "/ws", Map.of("Authorization", "Bearer " + hs512), true);
    assertThat(bob.awaitType("connected").getString("user")).isEqualTo("bob");
  }

  @Test
  void acceptsRs256AndEs256FromPemFiles() {
    assertThat(connect(rsaNode, TestTokens.rs256(rsa, claims("carol"), false))
            .awaitType("connected")
            .getString("user"))
        .isEqualTo("carol");
    assertThat(connect(ecNode, TestTokens.es256(ec, claims("dave"), false))
            .awaitType("connected")
            .getString("user"))
        .isEqualTo("dave");
  }

  @Test
  void acceptsRs256AndEs256FromAJwksFileByKeyId() {
    assertThat(connect(jwksNode, TestTokens.rs256(jwksRsa, claims("erin"), true))
            .awaitType("connected")
            .getString("user"))
        .isEqualTo("erin");
    assertThat(connect(jwksNode, TestTokens.es256(jwksEc, claims("frank"), true))
            .awaitType("connected")
            .getString("user"))
        .isEqualTo("frank");
  }

  @Test
  void refusesGarbageBadSignaturesAndUnsignedTokens() {
    assertRefused(hs, "garbage", "malformed");
    assertRefused(hs, "a.b.c", "malformed");
    String otherSecret = TestTokens.hmac(
        JWSAlgorithm.HS256,
        "another-secret-0123456789-abcdefghijk".getBytes(StandardCharsets.UTF_8),
        hsClaims("alice", b -> {}));
    assertRefused(hs, otherSecret, "bad signature");
    assertRefused(hs, TestTokens.unsigned(hsClaims("alice", b -> {})), "unsigned");
    assertRefused(rsaNode, TestTokens.unsigned(claims("alice")), "unsigned");
    String tampered = TestTokens.rs256(rsa, claims("alice"), false);
    String[] parts = tampered.split("\\.");
    String admin = java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(claims("alice", b -> b.claim("admin", true))
            .toString()
            .getBytes(StandardCharsets.UTF_8));
    assertRefused(rsaNode, parts[0] + "." + admin + "." + parts[2], "bad signature");
  }

  @Test
  void refusesExpiredAndNotYetValidTokens() {
    Instant now = Instant.now();
    assertRefused(
        hs,
        TestTokens.hs256(hsClaims(
            "alice",
            b -> b.issueTime(Date.from(now.minusSeconds(7200)))
                .expirationTime(Date.from(now.minusSeconds(3600))))),
        "expired");
    assertRefused(
        hs,
        TestTokens.hs256(hsClaims("alice", b -> b.notBeforeTime(Date.from(now.plusSeconds(3600))))),
        "not valid yet");
    assertRefused(
        rsaNode,
        TestTokens.rs256(
            rsa, claims("alice", b -> b.expirationTime(Date.from(now.minusSeconds(60)))), false),
        "expired");
  }

  @Test
  void refusesAWrongIssuerOrAudienceWhenTheyAreConfigured() {
    assertRefused(hs, TestTokens.hs256(hsClaims("alice", b -> b.issuer("someone-else"))), "issuer");
    assertRefused(
        hs, TestTokens.hs256(hsClaims("alice", b -> b.audience("another-service"))), "audience");
    assertRefused(hs, TestTokens.hs256(hsClaims("alice", b -> b.issuer(null))), "issuer");
  }

  @Test
  void refusesHs256SignedWithTheRsaPublicKey() throws Exception {
    // Algorithm confusion: a verifier that takes the algorithm from the token would check this
    // HMAC with the public key's bytes as the secret, and anyone could forge tokens.
    byte[] pemBytes = TestTokens.pem(rsa.toPublicKey()).getBytes(StandardCharsets.US_ASCII);
    assertRefused(
        rsaNode, TestTokens.hmac(JWSAlgorithm.HS256, pemBytes, claims("mallory")), "no key");
    assertRefused(
        rsaNode,
        TestTokens.hmac(JWSAlgorithm.HS256, rsa.toPublicKey().getEncoded(), claims("mallory")),
        "no key");
  }

  @Test
  void refusesATokenForAnotherKeyId() {
    RSAKey stranger = TestTokens.rsa("k-unknown");
    assertRefused(jwksNode, TestTokens.rs256(stranger, claims("mallory"), true), "no key");
    // The kid of a known key does not make a signature by another key valid.
    RSAKey impostor = new RSAKey.Builder(TestTokens.rsa("x")).keyID("k-rsa").build();
    assertRefused(jwksNode, TestTokens.rs256(impostor, claims("mallory"), true), "bad signature");
    // An ES256 token is checked with EC keys only, whatever kid it names.
    assertRefused(rsaNode, TestTokens.es256(ec, claims("mallory"), false), "no key");
  }

  @Test
  void refusesIllTypedClaims() {
    assertRefused(
        hs, TestTokens.hs256(hsClaims("alice", b -> b.claim("channels", "room:*"))), "channels");
    assertRefused(hs, TestTokens.hs256(hsClaims("alice", b -> b.claim("admin", "yes"))), "admin");
  }

  @Test
  void aConnectionWithoutATokenMayOnlyPingUntilItAuthenticates() {
    HubTestClient client = connectRaw(hs, "/ws", Map.of(), true);
    assertThat(client.awaitType("connected").getValue("user")).isNull();
    client.send(new JsonObject().put("type", "ping").put("id", 0));
    assertThat(client.awaitType("pong")).isNotNull();
    client.send(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"));
    assertThat(client.awaitError("unauthorized").getValue("id")).isEqualTo(1);
    assertThat(client.awaitClose()).isEqualTo(4401);
    assertThat(client.received(f -> "subscribed".equals(f.getString("type")))).isEmpty();
  }

  @Test
  void aConnectionWithoutATokenMustAuthenticateInTime() {
    HubTestClient late = connectRaw(hs, "/ws", Map.of(), true);
    assertThat(late.awaitError("unauthorized").getString("message")).contains("no auth frame");
    assertThat(late.awaitClose()).isEqualTo(4401);

    HubTestClient prompt = connectRaw(hs, "/ws", Map.of(), true);
    prompt.send(new JsonObject()
        .put("type", "auth")
        .put("id", "a")
        .put(
            "token",
            TestTokens.hs256(
                hsClaims("gina", TestTokens.grants(List.of("tasks"), List.of(), false)))));
    assertThat(prompt.awaitType("authenticated").getString("user")).isEqualTo("gina");
    prompt.send(new JsonObject().put("type", "subscribe").put("id", 2).put("channel", "tasks"));
    assertThat(prompt.awaitType("subscribed").getString("channel")).isEqualTo("tasks");
    HubTestClient control = connectRaw(hs, "/ws", Map.of(), true);
    assertThat(control.awaitClose())
        .as("a connection opened after it timed out")
        .isEqualTo(4401);
    assertThat(prompt.isClosed()).as("the authenticated one stays").isFalse();
  }

  @Test
  void aBadAuthFrameClosesWith4401() {
    HubTestClient client = connectRaw(hs, "/ws", Map.of(), true);
    client.send(new JsonObject().put("type", "auth").put("id", 7).put("token", "not-a-jwt"));
    assertThat(client.awaitError("unauthorized").getValue("id")).isEqualTo(7);
    assertThat(client.awaitClose()).isEqualTo(4401);
  }

  @Test
  void anExpiredTokenClosesWith4403UnlessRefreshedFirst() {
    Date soon = Date.from(Instant.now().plusSeconds(2));
    String shortLived = TestTokens.hs256(hsClaims("henry", b -> b.expirationTime(soon)));
    HubTestClient stale = connect(hs, shortLived);
    HubTestClient refreshed = connect(hs, shortLived);
    refreshed.send(new JsonObject()
        .put("type", "auth")
        .put("id", "r")
        .put("token", TestTokens.hs256(hsClaims("henry", b -> {}))));
    assertThat(refreshed.awaitType("authenticated").getString("user")).isEqualTo("henry");

    assertThat(stale.awaitError("token_expired")).isNotNull();
    assertThat(stale.awaitClose()).isEqualTo(4403);
    // Both tokens expired at the same instant: the refreshed connection's old timer would have
    // fired by now, and it did not close it.
    refreshed.send(new JsonObject().put("type", "ping").put("id", "p"));
    assertThat(refreshed.awaitType("pong")).isNotNull();
    assertThat(refreshed.isClosed()).isFalse();
  }

  @Test
  void theOriginAllowListRefusesOtherSitesBeforeTheUpgrade() {
    String token = TestTokens.hs256(hsClaims("jack", b -> {}));
    TestHttp.Answer evil = HubTestClient.upgrade(
        vertx,
        hs.port(),
        "/ws?token=" + token,
        Map.of("Origin", "https://evil.example.net"),
        HubTestClient.WAIT);
    assertThat(evil.status()).isEqualTo(403);
    assertThat(evil.json().getString("code")).isEqualTo("forbidden");
    assertThat(HubTestClient.upgrade(
                vertx,
                hs.port(),
                "/ws?token=" + token,
                Map.of("Origin", ORIGIN),
                HubTestClient.WAIT)
            .status())
        .isEqualTo(101);
    assertThat(HubTestClient.upgrade(
                vertx,
                jwksNode.port(),
                "/ws",
                Map.of("Origin", "https://evil.example.net"),
                HubTestClient.WAIT)
            .status())
        .as("no allow-list: any origin")
        .isEqualTo(101);
  }

  @Test
  void oneUserMayHoldOnlyConnectionsPerUserConnections() {
    String token = TestTokens.hs256(hsClaims("kate", b -> {}));
    connect(hs, token);
    connect(hs, token);
    HubTestClient third = connectRaw(hs, "/ws?token=" + token, Map.of(), false);
    assertThat(third.awaitError("too_many_connections")).isNotNull();
    assertThat(third.awaitClose()).isEqualTo(4429);
    connect(hs, TestTokens.hs256(hsClaims("other-user", b -> {})));

    // The same limit holds for a connection that authenticates with an auth frame.
    HubTestClient late = connectRaw(hs, "/ws", Map.of(), true);
    late.send(new JsonObject().put("type", "auth").put("id", "a").put("token", token));
    assertThat(late.awaitError("too_many_connections").getValue("id")).isEqualTo("a");
    assertThat(late.awaitClose()).isEqualTo(4429);
    assertThat(late.received(f -> "authenticated".equals(f.getString("type")))).isEmpty();
  }

  @Test
  void theHttpApiNeedsAnAdminToken() throws Exception {
    JsonObject body =
        new JsonObject().put("channel", "tasks").put("event", new JsonObject().put("type", "t"));
    assertThat(post(null, body)).isEqualTo(401);
    assertThat(post("garbage", body)).isEqualTo(401);
    assertThat(post(TestTokens.hs256(hsClaims("leo", b -> {})), body)).isEqualTo(403);
    assertThat(post(TestTokens.hs256(hsClaims("ops", b -> b.claim("admin", true))), body))
        .isEqualTo(200);
  }

  private static int post(String token, JsonObject body) {
    HttpClient http = vertx.createHttpClient();
    try {
      return TestHttp.send(
              vertx, http, HttpMethod.POST, hs.port(), "/api/publish", token, body.encode())
          .status();
    } finally {
      http.close();
    }
  }
}
