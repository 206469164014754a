package dev.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's side of the server's word on a live subscription (docs/protocol.md sections 4-6),
 * against a {@link FakeHub} that plays the node frame by frame: a forged-looking event does not
 * move the resume position; an unsolicited {@code subscribed} adopts a new epoch and tells the
 * application; {@code unsubscribed} resumes after an overflow and ends the subscription when
 * forbidden; {@code unavailable} is retried. What the client holds is read from the {@code since}
 * of its next subscribe.
 */
class HubClientWireTest {
  private final Vertx vertx = Vertx.vertx();
  private FakeHub fake;
  private HubClient client;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final List<JsonObject> resets = new CopyOnWriteArrayList<>();
  private final List<JsonObject> ends = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    fake = await(FakeHub.start(vertx));
    client = HubClient.create(
        vertx,
        new HubClientOptions()
            .setUrls(List.of(fake.url()))
            .setBackoff(new Backoff(10, 10, 1))
            .setRandom(() -> 0.5));
    client.connect();
  }

  @AfterEach
  void stop() {
    await(client.close());
    await(fake.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(FakeHub.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Subscribes to {@code feed}; the fake answers at {@code 5/E1}. */
  private Subscription subscribed() {
    Subscription subscription =
        client.subscribe("feed", events::add).resetHandler(resets::add).endHandler(ends::add);
    JsonObject frame = fake.awaitNth(0, "subscribe", 0);
    fake.send(reply(frame, 5, "E1"));
    await(subscription.ready());
    return subscription;
  }

  private static JsonObject reply(JsonObject subscribe, long offset, String epoch) {
    return new JsonObject()
        .put("type", "subscribed")
        .put("id", subscribe.getValue("id"))
        .put("channel", subscribe.getString("channel"))
        .put("offset", offset)
        .put("epoch", epoch);
  }

  private static JsonObject tick(long offset, String epoch) {
    return new JsonObject()
        .put("type", "tick")
        .put("channel", "feed")
        .put("offset", offset)
        .put("epoch", epoch);
  }

  /** A broadcast, sent last: once it arrived, everything sent before it was handled. */
  private void fence(String name) {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    client.eventHandler(event -> {
      if (name.equals(event.getString("fence"))) {
        seen.add(event);
      }
    });
    fake.send(new JsonObject().put("type", "fence").put("fence", name));
    Awaitility.await().atMost(FakeHub.WAIT).until(() -> !seen.isEmpty());
  }

  /** The connection drops and the client comes back; its first subscribe on the new one. */
  private JsonObject resubscribeAfterDrop() {
    int next = fake.connections();
    fake.drop();
    return fake.awaitNth(next, "subscribe", 0);
  }

  private static JsonObject since(long offset, String epoch) {
    return new JsonObject().put("offset", offset).put("epoch", epoch);
  }

  @Test
  void aForgedLookingEventDoesNotMoveTheResumePosition() {
    subscribed();
    fake.send(tick(6, "E1"));
    fake.send(new JsonObject()
        .put("type", "alert")
        .put("channel", "feed")
        .put("offset", 999)
        .put("epoch", "forged"));
    fake.send(tick(1000, "E1").put("channel", "other"));
    fake.send(new JsonObject().put("type", "alert").put("offset", 2000).put("epoch", "E1"));
    fence("forged");

    JsonObject again = resubscribeAfterDrop();
    assertThat(again.getJsonObject("since")).isEqualTo(since(6, "E1"));
    fake.send(reply(again, 7, "E1").put("recovered", true));
    fake.send(tick(6, "E1"));
    fake.send(tick(7, "E1"));
    fence("after");
    assertThat(events)
        .extracting(e -> e.getLong("offset"))
        .as("feed events, the duplicate dropped")
        .containsExactly(6L, 999L, 7L);
  }

  @Test
  void anUnsolicitedSubscribedWithANewEpochIsAdoptedAndReportedAsAReset() {
    subscribed();
    fake.send(tick(6, "E1"));
    JsonObject notice = new JsonObject()
        .put("type", "subscribed")
        .put("channel", "feed")
        .put("offset", 0)
        .put("epoch", "E2")
        .put("recovered", false);
    fake.send(notice);
    fake.send(tick(1, "E2"));
    fence("reset");
    assertThat(resets).containsExactly(notice);
    assertThat(events)
        .extracting(e -> e.getString("epoch") + "/" + e.getLong("offset"))
        .containsExactly("E1/6", "E2/1");
    assertThat(resubscribeAfterDrop().getJsonObject("since")).isEqualTo(since(1, "E2"));
  }

  @Test
  void aResumeThatCannotRecoverIsReportedAsAReset() {
    subscribed();
    JsonObject again = resubscribeAfterDrop();
    assertThat(again.getJsonObject("since")).isEqualTo(since(5, "E1"));
    JsonObject refused = reply(again, 9, "E3").put("recovered", false);
    fake.send(refused);
    Awaitility.await().atMost(FakeHub.WAIT).until(() -> !resets.isEmpty());
    assertThat(resets).containsExactly(refused);
    assertThat(resubscribeAfterDrop().getJsonObject("since")).isEqualTo(since(9, "E3"));
  }

  @Test
  void unsubscribedForOverflowSubscribesAgainAtOnceFromThePositionHeld() {
    subscribed();
    fake.send(tick(6, "E1"));
    fake.send(new JsonObject()
        .put("type", "unsubscribed")
        .put("channel", "feed")
        .put("reason", "overflow"));
    JsonObject again = fake.awaitNth(0, "subscribe", 1);
    assertThat(again.getJsonObject("since")).isEqualTo(since(6, "E1"));
    fake.send(reply(again, 7, "E1").put("recovered", true));
    fake.send(tick(7, "E1"));
    fence("overflow");
    assertThat(events).extracting(e -> e.getLong("offset")).containsExactly(6L, 7L);
    assertThat(ends).isEmpty();
  }

  @Test
  void unsubscribedAsForbiddenEndsTheSubscriptionAndTellsTheApplication() {
    Subscription subscription = subscribed();
    JsonObject notice = new JsonObject()
        .put("type", "unsubscribed")
        .put("channel", "feed")
        .put("reason", "forbidden");
    fake.send(notice);
    fake.send(tick(6, "E1"));
    fence("forbidden");
    assertThat(ends).containsExactly(notice);
    assertThat(events).as("no event after the end").isEmpty();
    subscription.unsubscribe();

    int next = fake.connections();
    fake.drop();
    Awaitility.await()
        .atMost(FakeHub.WAIT)
        .until(() -> fake.connections() > next && client.isConnected());
    // Subscriptions go out on `connected`, before anything else: once this publish arrived, no
    // subscribe will.
    client.publish("elsewhere", new JsonObject().put("type", "note"));
    fake.await(next, f -> "publish".equals(f.getString("type")));
    assertThat(fake.sent(next, "subscribe"))
        .as("subscribed again after a reconnect")
        .isEmpty();
    assertThat(fake.sent(0, "unsubscribe"))
        .as("nothing left to unsubscribe from")
        .isEmpty();
  }

  @Test
  void unavailableInReplyToSubscribeIsRetriedUntilItSucceeds() {
    Subscription subscription = client.subscribe("feed", events::add);
    for (int attempt = 0; attempt < 2; attempt++) {
      JsonObject frame = fake.awaitNth(0, "subscribe", attempt);
      fake.send(new JsonObject()
          .put("type", "error")
          .put("id", frame.getValue("id"))
          .put("code", "unavailable")
          .put("message", "no majority"));
    }
    JsonObject third = fake.awaitNth(0, "subscribe", 2);
    assertThat(subscription.ready().isComplete())
        .as("not given up after unavailable")
        .isFalse();
    fake.send(reply(third, 0, null));
    assertThat(await(subscription.ready()).getValue("id")).isEqualTo(third.getValue("id"));

    // A history channel with no epoch yet takes the one of its first event.
    fake.send(tick(1, "E1"));
    fence("unavailable");
    assertThat(resubscribeAfterDrop().getJsonObject("since")).isEqualTo(since(1, "E1"));
  }
}
