package dev.hub.internals;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import dev.hub.auth.TestTokens;
import dev.hub.internals.VertxInternals.JwtRefusal;
import dev.hub.transport.RawWebSocket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each Vert.x internal {@link VertxInternals} relies on, against the Vert.x on the class path: a
 * real server upgrading a real socket, and vertx-auth-jwt refusing tokens signed by nimbus. When a
 * Vert.x upgrade moves one, a test here fails and names it (SocketFootprintTest and WritePathTest
 * check what the transport builds on them).
 */
class VertxInternalsTest {
  private static final String ISSUER = "hub-test";
  private static final String AUDIENCE = "hub";

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionsChannelEndsWithVertxsHandlerBeforeAndAfterTheUpgrade() throws Exception {
    Map<String, Object> seen = new ConcurrentHashMap<>();
    Promise<Void> upgraded = Promise.promise();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      Channel channel = VertxInternals.channel(request.connection());
      seen.put("http channel", String.valueOf(channel));
      seen.put("http handler last", endsWithVertxHandler(channel));
      request.toWebSocket().onFailure(upgraded::tryFail).onSuccess(ws -> {
        seen.put("ws handler last", endsWithVertxHandler(channel));
        seen.put("ws meter", VertxInternals.bytesWrittenMeter(channel) != null);
        seen.put("ws trimmed", VertxInternals.trimUpgradedSocket(channel, queue -> null));
        upgraded.tryComplete();
      });
    });
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try (RawWebSocket client = RawWebSocket.connect(server.actualPort(), "/", 0)) {
      upgraded.future().await(10, TimeUnit.SECONDS);
    } finally {
      server.close().await(10, TimeUnit.SECONDS);
    }
    assertThat(seen.get("http channel"))
        .as("the Netty channel under an HTTP connection (ConnectionBase.channel())")
        .isNotEqualTo("null");
    assertThat(seen)
        .as(
            "Vert.x's handler is the last of the pipeline, named '%s'; its connection meters the"
                + " bytes written below it (VertxConnection.reportBytesWritten); the fields"
                + " SocketFootprint trims are on the upgraded socket's connection",
            VertxInternals.PIPELINE_HANDLER)
        .containsEntry("http handler last", true)
        .containsEntry("ws handler last", true)
        .containsEntry("ws meter", true)
        .containsEntry("ws trimmed", true);
    assertThat(VertxInternals.socketFieldsMissing())
        .as("the Vert.x fields SocketFootprint trims")
        .isNull();
  }

  @Test
  void aBuffersBytesAreASliceOfItsOwn() {
    Buffer buffer = Buffer.buffer("{\"event\":1}");
    assertThat(VertxInternals.byteBuf(buffer).readCharSequence(11, StandardCharsets.UTF_8))
        .hasToString("{\"event\":1}");
    assertThat(VertxInternals.byteBuf(buffer).readableBytes())
        .as("reading the bytes for one socket leaves them whole for the next")
        .isEqualTo(11);
  }

  @Test
  void aTextFrameCarriesTheBytesAsTheyAre() {
    WebSocketFrame frame = VertxInternals.textFrame(Buffer.buffer("{\"event\":1}"));
    assertThat(frame.isText()).isTrue();
    assertThat(frame.isFinal()).isTrue();
    assertThat(frame.textData()).isEqualTo("{\"event\":1}");
  }

  @Test
  void aVertxThatIsNotClusteredHasNoClusterManager() {
    assertThat(VertxInternals.clusterManager(vertx)).isNull();
  }

  @Test
  void eachRefusalOfVertxAuthJwtIsToldApart() throws Exception {
    byte[] secret = TestTokens.SECRET.getBytes(StandardCharsets.UTF_8);
    Instant past = Instant.now().minus(Duration.ofHours(2));
    Map<String, JwtRefusal> expected = Map.of(
        TestTokens.hs256(
            TestTokens.claims("u", valid().andThen(b -> b.expirationTime(Date.from(past))))),
        JwtRefusal.EXPIRED,
        TestTokens.hs256(TestTokens.claims(
            "u",
            valid()
                .andThen(
                    b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))))),
        JwtRefusal.EXPIRED,
        TestTokens.hs256(TestTokens.claims("u", valid().andThen(b -> b.issuer("other")))),
        JwtRefusal.ISSUER,
        TestTokens.hs256(TestTokens.claims("u", valid().andThen(b -> b.audience("other")))),
        JwtRefusal.AUDIENCE,
        TestTokens.unsigned(TestTokens.claims("u", valid())),
        JwtRefusal.UNSIGNED,
        TestTokens.hmac(
            JWSAlgorithm.HS256,
            "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789"
                .getBytes(StandardCharsets.UTF_8),
            TestTokens.claims("u", valid())),
        JwtRefusal.BAD_SIGNATURE,
        TestTokens.hmac(JWSAlgorithm.HS256, secret, TestTokens.claims("u", valid()), "unknown"),
        JwtRefusal.UNKNOWN_KEY,
        "not.a.token",
        JwtRefusal.OTHER);
    JWTAuth auth = JWTAuth.create(
        vertx,
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm("HS256")
                .setId("known")
                .setBuffer(TestTokens.SECRET))
            .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE))));
    for (Map.Entry<String, JwtRefusal> entry : expected.entrySet()) {
      Future<?> verified = auth.authenticate(new TokenCredentials(entry.getKey()));
      Throwable failure = verified
          .map(user -> (Throwable) new AssertionError("accepted: " + entry.getKey()))
          .otherwise(e -> e)
          .await(10, TimeUnit.SECONDS);
      assertThat(VertxInternals.jwtRefusal(failure))
          .as(
              "vertx-auth-jwt's failure for a token that should be %s: %s",
              entry.getValue(), failure)
          .isEqualTo(entry.getValue());
    }
  }

  private static java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> valid() {
    return b -> b.issuer(ISSUER).audience(AUDIENCE);
  }

  private static boolean endsWithVertxHandler(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    return pipeline.get(VertxInternals.PIPELINE_HANDLER) != null
        && pipeline.last() == pipeline.get(VertxInternals.PIPELINE_HANDLER);
  }
}
