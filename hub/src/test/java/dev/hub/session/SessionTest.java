package dev.hub.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hub.auth.Grants;
import dev.hub.auth.Identity;
import dev.hub.config.ChannelOptions;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.history.ChannelAdmission;
import dev.hub.history.HistoryStore;
import dev.hub.history.LocalHistoryStore;
import dev.hub.node.GatewayServices;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameCodec;
import dev.hub.protocol.HubException;
import dev.hub.routing.Audience;
import dev.hub.routing.FanoutEvent;
import dev.hub.routing.LocalRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One session driven frame by frame through a recording {@link Outbound}, with the real registry,
 * publisher and cluster bus on a plain Vert.x. Everything the session does runs on one context, as
 * on a node; the test thread only sends frames there and reads what was recorded.
 */
class SessionTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ChannelOptions FEED =
      new ChannelOptions("feed", 100, Duration.ofHours(1), false, false, true);

  private Vertx vertx;
  private Context context;
  private LocalRegistry registry;
  private RecordingOutbound out;
  private Session session;
  private HistoryStore history;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    out = new RecordingOutbound();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Opens a session for alice with every permission and the given subscription limit. */
  private void open(int subscriptionLimit) {
    HubConfig config = ConfigReader.read(new JsonObject()
        .put("open", true)
        .put("nodeId", "node-1")
        .put("limits", new JsonObject().put("subscriptions", subscriptionLimit))
        .put(
            "channels",
            new JsonArray()
                .add(new JsonObject()
                    .put("pattern", "feed")
                    .put("history", new JsonObject().put("size", 100)))));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    history = new LocalHistoryStore(clock);
    GatewayServices gateway =
        GatewayServices.builder(vertx, config).clock(clock).history(history).build();
    SessionServices services = gateway.sessions(vertx);
    registry = services.registry();
    result(onContext(() -> gateway.clusterBus().attach(registry)));
    session = onContext(() -> {
      Session opened =
          new Session("conn-1", new Identity("alice", Grants.everything(), null), out, services);
      opened.open();
      return opened;
    });
  }

  private void open() {
    open(256);
  }

  /** Decodes the text and hands it to the session on its context, as the connection does. */
  private void send(String text) {
    onContext(() -> {
      session.handle(FrameCodec.decode(text));
      return null;
    });
  }

  private <T> T onContext(Callable<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return get(result);
  }

  private static <T> T result(Future<T> future) {
    return get(future.toCompletionStage().toCompletableFuture());
  }

  private static <T> T get(CompletableFuture<T> future) {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("the context did not answer in time", e);
    }
  }

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  /** The code and id of the last frame, which must be an error. */
  private List<Object> lastError() {
    JsonObject last = out.last();
    assertThat(last.getString("type")).as("last frame %s", last).isEqualTo("error");
    return Arrays.asList(last.getString("code"), last.getValue("id"));
  }

  @Test
  void connectedFrameComesFirst() {
    open();
    assertThat(out.frames())
        .containsExactly(json(
            "{\"type\":\"connected\",\"connectionId\":\"conn-1\",\"node\":\"node-1\",\"user\":\"alice\","
                + "\"heartbeat\":30000,\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void pingGetsPongWithItsId() {
    open();
    send("{\"type\":\"ping\",\"id\":1}");
    assertThat(out.last())
        .isEqualTo(json("{\"type\":\"pong\",\"id\":1,\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void subscribeIsAcknowledged() {
    open();
    send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"tasks\"}");
    assertThat(out.last())
        .isEqualTo(json("{\"type\":\"subscribed\",\"id\":2,\"channel\":\"tasks\"}"));
  }

  @Test
  void duplicateSubscribeIsAcknowledgedAgain() {
    open();
    send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"tasks\"}");
    send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"tasks\"}");
    assertThat(out.framesAfter(1))
        .containsExactly(
            json("{\"type\":\"subscribed\",\"id\":2,\"channel\":\"tasks\"}"),
            json("{\"type\":\"subscribed\",\"id\":3,\"channel\":\"tasks\"}"));
  }

  @Test
  void duplicateSubscribeRegistersOnce() {
    open();
    send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"tasks\"}");
    send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"tasks\"}");
    int recipients = onContext(() ->
        registry.deliver(event(Audience.channel("tasks"), Buffer.buffer("{\"type\":\"x\"}"))));
    assertThat(recipients).isEqualTo(1);
  }

  @Test
  void unsubscribeIsAcknowledged() {
    open();
    send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"tasks\"}");
    send("{\"type\":\"unsubscribe\",\"id\":3,\"channel\":\"tasks\"}");
    assertThat(out.last())
        .isEqualTo(json("{\"type\":\"unsubscribed\",\"id\":3,\"channel\":\"tasks\"}"));
  }

  @Test
  void unsubscribeFromUnknownChannelIsNotSubscribed() {
    open();
    send("{\"type\":\"unsubscribe\",\"id\":3,\"channel\":\"tasks\"}");
    assertThat(lastError()).containsExactly("not_subscribed", 3);
  }

  @Test
  void subscriptionOverTheLimitIsRefused() {
    open(2);
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"a\"}");
    send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"b\"}");
    send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"c\"}");
    assertThat(lastError()).containsExactly("too_many_subscriptions", 3);
  }

  @Test
  void resubscribingAtTheLimitIsStillAcknowledged() {
    open(2);
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"a\"}");
    send("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"b\"}");
    send("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"a\"}");
    assertThat(out.last()).isEqualTo(json("{\"type\":\"subscribed\",\"id\":3,\"channel\":\"a\"}"));
  }

  @Test
  void publishWithIdIsAcknowledged() {
    open();
    send(
        "{\"type\":\"publish\",\"id\":1,\"channel\":\"tasks\",\"event\":{\"type\":\"task_created\",\"taskId\":7}}");
    assertThat(out.last()).isEqualTo(json("{\"type\":\"ack\",\"id\":1}"));
  }

  @Test
  void publishWithoutIdGetsNoAck() {
    open();
    send(
        "{\"type\":\"publish\",\"channel\":\"tasks\",\"event\":{\"type\":\"task_created\",\"taskId\":7}}");
    send("{\"type\":\"ping\",\"id\":9}");
    // Replies are sent in frame order, so anything the publish caused would come before the pong.
    assertThat(out.framesAfter(1))
        .containsExactly(
            json("{\"type\":\"pong\",\"id\":9,\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void publishedEventComesBackThroughTheRegistryStamped() {
    open();
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"tasks\"}");
    send("{\"type\":\"publish\",\"id\":2,\"channel\":\"tasks\","
        + "\"event\":{\"type\":\"task_created\",\"taskId\":7,\"from\":\"mallory\"}}");
    await().atMost(WAIT).until(() -> !out.ofType("task_created").isEmpty());
    assertThat(out.ofType("task_created"))
        .containsExactly(json(
            "{\"type\":\"task_created\",\"taskId\":7,\"from\":\"alice\",\"timestamp\":\"2024-05-01T12:00:00Z\","
                + "\"channel\":\"tasks\"}"));
  }

  @Test
  void directEventReachesTheUsersSession() {
    open();
    send("{\"type\":\"direct\",\"id\":1,\"user\":\"alice\",\"event\":{\"type\":\"nudge\"}}");
    await().atMost(WAIT).until(() -> !out.ofType("nudge").isEmpty());
    assertThat(out.ofType("nudge"))
        .containsExactly(
            json("{\"type\":\"nudge\",\"from\":\"alice\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void broadcastReachesTheSession() {
    open();
    send("{\"type\":\"chat\",\"payload\":{\"message\":\"Hello\"}}");
    await().atMost(WAIT).until(() -> !out.ofType("chat").isEmpty());
    assertThat(out.ofType("chat"))
        .containsExactly(
            json("{\"type\":\"chat\",\"payload\":{\"message\":\"Hello\"},\"from\":\"alice\","
                + "\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void echoSendsTheFrameBack() {
    open();
    send("{\"type\":\"echo\",\"id\":4,\"payload\":[1,2,3]}");
    assertThat(out.last()).isEqualTo(json("{\"type\":\"echo\",\"id\":4,\"payload\":[1,2,3]}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"presence\",\"id\":5,\"channel\":\"room:42\"}",
        "{\"type\":\"history\",\"id\":5,\"channel\":\"tasks\"}"
      })
  void presenceAndHistoryOfAChannelWithoutThemGetAnErrorWithTheirId(String frame) {
    open();
    send(frame);
    JsonObject reply = out.last();
    assertThat(
            Arrays.asList(reply.getString("type"), reply.getValue("id"), reply.getString("code")))
        .containsExactly("error", 5, "invalid_frame");
  }

  @Test
  void rpcToAnAddressNobodyServesGetsNoHandler() {
    open();
    send("{\"type\":\"rpc\",\"id\":5,\"address\":\"orders.lookup\",\"body\":{}}");
    await().atMost(WAIT).until(() -> !out.ofType("error").isEmpty());
    JsonObject reply = out.ofType("error").get(0);
    assertThat(Arrays.asList(reply.getValue("id"), reply.getString("code")))
        .containsExactly(5, "no_handler");
  }

  @Test
  void historyChannelEventsArrivingOutOfOrderAreWrittenInOffsetOrderOnce() {
    open();
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"feed\"}");
    await().atMost(WAIT).until(() -> !out.ofType("subscribed").isEmpty());
    onContext(() -> registry.deliver(feedEvent(2, "e1"))
        + registry.deliver(feedEvent(1, "e1"))
        + registry.deliver(feedEvent(1, "e1"))
        + registry.deliver(feedEvent(3, "e1")));
    await().atMost(WAIT).until(() -> out.ofType("tick").size() >= 3);
    assertThat(out.ofType("tick")).extracting(e -> e.getLong("offset")).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aGapThatStaysOpenIsFilledFromHistory() {
    open();
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"feed\"}");
    await().atMost(WAIT).until(() -> !out.ofType("subscribed").isEmpty());
    for (int n = 1; n <= 4; n++) {
      result(history.append(
          "feed",
          FEED,
          Buffer.buffer("{\"type\":\"tick\",\"n\":" + n + "}"),
          false,
          ChannelAdmission.ANY));
    }
    String epoch = result(history.position("feed")).epoch();
    // Offsets 2 and 3 never arrive live: the node that published them died after storing them.
    onContext(() -> registry.deliver(feedEvent(1, epoch)) + registry.deliver(feedEvent(4, epoch)));
    await().atMost(WAIT).until(() -> out.ofType("tick").size() >= 4);
    assertThat(out.ofType("tick"))
        .extracting(e -> e.getLong("offset"))
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(out.ofType("tick").subList(1, 3))
        .extracting(e -> e.getString("epoch"))
        .containsOnly(epoch);
  }

  @Test
  void aGapTheHistoryCannotFillEndsTheSubscriptionAndSaysSoRatherThanSkipping() {
    open();
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"feed\"}");
    await().atMost(WAIT).until(() -> !out.ofType("subscribed").isEmpty());
    result(history.append(
        "feed", FEED, Buffer.buffer("{\"type\":\"tick\",\"n\":1}"), false, ChannelAdmission.ANY));
    String epoch = result(history.position("feed")).epoch();
    // Offset 2 never arrives and the history has no such event either: nothing can close the gap.
    onContext(() -> registry.deliver(feedEvent(1, epoch)) + registry.deliver(feedEvent(3, epoch)));
    await().atMost(WAIT).until(() -> !out.ofType("unsubscribed").isEmpty());
    JsonObject ended = out.ofType("unsubscribed").get(0);
    assertThat(Arrays.asList(
            ended.getString("channel"), ended.getString("reason"), ended.getValue("id")))
        .containsExactly("feed", "overflow", null);
    assertThat(out.ofType("tick"))
        .extracting(e -> e.getLong("offset"))
        .as("nothing after the gap")
        .containsExactly(1L);
    assertThat(onContext(() -> session.isSubscribed("feed"))).isFalse();
  }

  @Test
  void aNewerEpochIsAnnouncedBeforeItsFirstEventAndAStragglerOfTheOldOneIsDropped() {
    open();
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"feed\"}");
    await().atMost(WAIT).until(() -> !out.ofType("subscribed").isEmpty());
    String old = "lz0000aa-000001";
    String newer = "lz0000ab-000002";
    onContext(() -> registry.deliver(feedEvent(1, old))
        + registry.deliver(feedEvent(2, old))
        + registry.deliver(feedEvent(1, newer))
        + registry.deliver(feedEvent(3, old))
        + registry.deliver(feedEvent(2, newer)));
    await().atMost(WAIT).until(() -> out.ofType("tick").size() >= 4);
    List<JsonObject> frames = out.framesAfter(2);
    assertThat(frames)
        .extracting(
            f -> f.getString("type") + ":" + f.getValue("offset") + ":" + f.getString("epoch"))
        .containsExactly(
            "tick:1:" + old,
            "tick:2:" + old,
            "subscribed:0:" + newer,
            "tick:1:" + newer,
            "tick:2:" + newer);
    assertThat(frames.get(2).getBoolean("recovered")).isFalse();
  }

  private static FanoutEvent feedEvent(long offset, String epoch) {
    return new FanoutEvent(
        Audience.channel("feed"),
        Buffer.buffer("{\"type\":\"tick\",\"n\":" + offset + ",\"offset\":" + offset
            + ",\"epoch\":\"" + epoch + "\"}"),
        offset,
        epoch,
        false);
  }

  private static FanoutEvent event(Audience audience, Buffer bytes) {
    return FanoutEvent.unnumbered(audience, bytes, false);
  }

  @Test
  void closedSessionIsForgottenByTheRegistry() {
    open();
    send("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"tasks\"}");
    int recipients = onContext(() -> {
      session.closed();
      Buffer event = Buffer.buffer("{\"type\":\"x\"}");
      return registry.deliver(event(Audience.channel("tasks"), event))
          + registry.deliver(event(Audience.user("alice"), event))
          + registry.deliver(event(Audience.all(), event));
    });
    assertThat(recipients).isZero();
  }

  @Test
  void errorWithACloseCodeClosesTheConnection() {
    open();
    onContext(() -> {
      session.fail(null, new HubException(ErrorCode.TOO_LARGE, "frames are at most 65536 bytes"));
      return null;
    });
    assertThat(out.closes())
        .containsExactly(new RecordingOutbound.Close(CloseCode.MESSAGE_TOO_BIG, "too_large"));
  }

  @Test
  void rateLimitedErrorAloneDoesNotClose() {
    open();
    onContext(() -> {
      session.fail(null, new HubException(ErrorCode.RATE_LIMITED, "over 100 messages per second"));
      return null;
    });
    assertThat(out.closes()).isEmpty();
  }
}
