package dev.hub.routing;

import static dev.hub.routing.TestEvents.numbered;
import static dev.hub.routing.TestEvents.unnumbered;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.history.Epochs;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.StreamPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One event loop's registry driven on its event loop with recording recipients: each audience
 * reaches exactly its local connections, once each, and the count it returns is theirs; history
 * channels go through their feed; a recipient leaving in the middle of a delivery changes the
 * next delivery, not this one.
 */
class LocalRegistryTest {
  private final TestLoop loop = new TestLoop(Vertx.vertx());
  private final HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry());
  private final SubscriberCensus census = new SubscriberCensus();
  private final LocalRegistry registry = new LocalRegistry(metrics, census, null, loop.vertx());
  private final RecordingRecipient alicePhone = new RecordingRecipient("alice-phone");
  private final RecordingRecipient aliceLaptop = new RecordingRecipient("alice-laptop");
  private final RecordingRecipient bob = new RecordingRecipient("bob");
  private final RecordingRecipient anonymous = new RecordingRecipient("anonymous");

  @AfterEach
  void close() {
    loop.close();
  }

  private void connectEveryone() {
    loop.run(() -> {
      registry.addConnection(alicePhone, "alice");
      registry.addConnection(aliceLaptop, "alice");
      registry.addConnection(bob, "bob");
      registry.addConnection(anonymous, null);
    });
  }

  private int deliver(FanoutEvent event) {
    return loop.call(() -> registry.deliver(event));
  }

  @Test
  void aChannelEventReachesEachSubscriberOnceAndNobodyElse() {
    connectEveryone();
    loop.run(() -> {
      registry.subscribe("tasks", alicePhone);
      registry.subscribe("tasks", alicePhone); // a second subscribe of the same connection
      registry.subscribe("tasks", bob);
      registry.subscribe("other", anonymous);
    });
    assertThat(deliver(unnumbered(Audience.channel("tasks"), 1)))
        .as("recipients counted")
        .isEqualTo(2);
    assertThat(List.of(
            alicePhone.numbers(), aliceLaptop.numbers(), bob.numbers(), anonymous.numbers()))
        .containsExactly(List.of(1), List.of(), List.of(1), List.of());
    assertThat(List.of(metrics.subscriptions(), metrics.channels())).containsExactly(3L, 2L);
  }

  @Test
  void aUserEventReachesEveryConnectionOfThatUserOnly() {
    connectEveryone();
    assertThat(deliver(unnumbered(Audience.user("alice"), 1))).isEqualTo(2);
    assertThat(List.of(
            alicePhone.numbers(), aliceLaptop.numbers(), bob.numbers(), anonymous.numbers()))
        .containsExactly(List.of(1), List.of(1), List.of(), List.of());
  }

  @Test
  void anEventForAllReachesEveryConnectionOnceAnonymousOnesIncluded() {
    connectEveryone();
    loop.run(() -> registry.subscribe("tasks", bob));
    assertThat(deliver(unnumbered(Audience.all(), 1))).isEqualTo(4);
    assertThat(List.of(
            alicePhone.numbers(), aliceLaptop.numbers(), bob.numbers(), anonymous.numbers()))
        .containsExactly(List.of(1), List.of(1), List.of(1), List.of(1));
  }

  @Test
  void anAudienceWithNobodyOnThisEventLoopCountsZero() {
    connectEveryone();
    assertThat(List.of(
            deliver(unnumbered(Audience.channel("nobody-here"), 1)),
            deliver(unnumbered(Audience.user("carol"), 2)),
            deliver(numbered("nobody-here", 1, Epochs.fresh()))))
        .containsExactly(0, 0, 0);
    assertThat(List.of(alicePhone, aliceLaptop, bob, anonymous))
        .allSatisfy(r -> assertThat(r.events()).isEmpty());
  }

  @Test
  void aClosedConnectionAndAnUnsubscribedOneGetNothingMore() {
    connectEveryone();
    loop.run(() -> {
      registry.subscribe("tasks", alicePhone);
      registry.subscribe("tasks", bob);
      registry.removeConnection(alicePhone, "alice");
      registry.unsubscribe("tasks", alicePhone);
      registry.unsubscribe("tasks", bob);
      registry.unsubscribe("tasks", bob); // not subscribed any more: nothing happens
      registry.unsubscribe("never-subscribed", anonymous);
    });
    assertThat(List.of(
            deliver(unnumbered(Audience.channel("tasks"), 1)),
            deliver(unnumbered(Audience.user("alice"), 2)),
            deliver(unnumbered(Audience.all(), 3))))
        .containsExactly(0, 1, 3);
    assertThat(alicePhone.events()).isEmpty();
    assertThat(List.of(loop.call(registry::connectionCount), loop.call(registry::channelCount)))
        .containsExactly(3, 0);
    assertThat(List.of(metrics.subscriptions(), metrics.channels())).containsExactly(0L, 0L);
  }

  @Test
  void recipientsUnsubscribedDuringADeliveryGetThatEventButNotTheNext() {
    // The first recipient unsubscribes itself and the last one while the event is being written.
    RecordingRecipient last = new RecordingRecipient("last");
    RecordingRecipient first = new RecordingRecipient("first");
    first.onDeliver(event -> {
      registry.unsubscribe("tasks", first);
      registry.unsubscribe("tasks", last);
    });
    loop.run(() -> {
      registry.subscribe("tasks", first);
      registry.subscribe("tasks", bob);
      registry.subscribe("tasks", last);
    });
    assertThat(deliver(unnumbered(Audience.channel("tasks"), 1))).isEqualTo(3);
    assertThat(deliver(unnumbered(Audience.channel("tasks"), 2))).isEqualTo(1);
    assertThat(List.of(first.numbers(), bob.numbers(), last.numbers()))
        .containsExactly(List.of(1), List.of(1, 2), List.of(1));
  }

  @Test
  void connectionsClosedDuringABroadcastDoNotStopIt() {
    // A slow connection closed by the write of this very event: it leaves every set at once.
    connectEveryone();
    alicePhone.onDeliver(event -> {
      registry.removeConnection(alicePhone, "alice");
      registry.removeConnection(bob, "bob");
    });
    assertThat(deliver(unnumbered(Audience.all(), 1))).isEqualTo(4);
    assertThat(deliver(unnumbered(Audience.all(), 2))).isEqualTo(2);
    assertThat(List.of(
            alicePhone.numbers(), aliceLaptop.numbers(), bob.numbers(), anonymous.numbers()))
        .containsExactly(List.of(1), List.of(1, 2), List.of(1), List.of(1, 2));
  }

  @Test
  void historyEventsWaitForTheFeedToStartThenGoOutInOffsetOrder() {
    String epoch = Epochs.fresh();
    loop.run(() -> {
      registry.subscribe("ledger", alicePhone);
      registry.subscribe("ledger", bob);
    });
    assertThat(deliver(numbered("ledger", 2, epoch))).isEqualTo(2);
    assertThat(deliver(numbered("ledger", 1, epoch))).isEqualTo(2);
    assertThat(alicePhone.events())
        .as("written before a subscriber started the feed")
        .isEmpty();
    assertThat(loop.call(() -> registry.feedPosition("ledger"))).isNull();

    loop.run(() -> registry.startFeed("ledger", new StreamPosition(0, epoch)));
    assertThat(List.of(alicePhone.offsets(), bob.offsets()))
        .containsExactly(List.of(1L, 2L), List.of(1L, 2L));
    assertThat(loop.call(() -> registry.feedPosition("ledger")))
        .isEqualTo(new StreamPosition(2, epoch));
    loop.run(() ->
        registry.startFeed("ledger", new StreamPosition(0, epoch))); // started already: no replay
    assertThat(bob.offsets()).containsExactly(1L, 2L);
  }

  @Test
  void aHistorySubscriberUnsubscribedDuringADeliveryGetsThatEventButNotTheNext() {
    String epoch = Epochs.fresh();
    RecordingRecipient first =
        new RecordingRecipient("first").onDeliver(event -> registry.unsubscribe("ledger", bob));
    loop.run(() -> {
      registry.subscribe("ledger", first);
      registry.subscribe("ledger", bob);
      registry.startFeed("ledger", new StreamPosition(0, epoch));
    });
    deliver(numbered("ledger", 1, epoch));
    deliver(numbered("ledger", 2, epoch));
    assertThat(List.of(first.offsets(), bob.offsets()))
        .containsExactly(List.of(1L, 2L), List.of(1L));
  }

  @Test
  void theLastUnsubscribeEndsTheChannelsFeedAndItsCensusEntry() {
    String epoch = Epochs.fresh();
    loop.run(() -> {
      registry.subscribe("ledger", bob);
      registry.startFeed("ledger", new StreamPosition(0, epoch));
    });
    deliver(numbered("ledger", 1, epoch));
    assertThat(census.hasSubscribers("ledger")).isTrue();
    loop.run(() -> registry.unsubscribe("ledger", bob));
    assertThat(census.hasSubscribers("ledger")).isFalse();
    assertThat(loop.call(() -> registry.feedPosition("ledger")))
        .as("the feed of a channel nobody holds")
        .isNull();

    // A new subscriber gets a new feed, started where its own reading ends.
    loop.run(() -> {
      registry.subscribe("ledger", anonymous);
      registry.startFeed("ledger", new StreamPosition(1, epoch));
    });
    deliver(numbered("ledger", 2, epoch));
    assertThat(List.of(bob.offsets(), anonymous.offsets()))
        .containsExactly(List.of(1L), List.of(2L));
  }
}
