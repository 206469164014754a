package dev.hub.routing;

import static dev.hub.routing.TestEvents.numbered;
import static dev.hub.routing.TestEvents.unnumbered;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.history.Epochs;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.EventBytes;
import dev.hub.protocol.StreamPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster bus on one Vert.x with two event loops, each with its registry attached, as two
 * gateways of a node are: one publish reaches every registry once, each delivers to its own
 * connections of the audience, and what an event needs on the way (audience, offset, epoch, kind)
 * crosses in its headers. Across nodes, the delivery contract suite runs the same on three.
 */
class ClusterBusTest {
  private static final Duration WAIT = Duration.ofSeconds(TestLoop.WAIT_S);

  private final Vertx vertx = Vertx.vertx();
  private final TestLoop loopA = TestLoop.another(vertx);
  private final TestLoop loopB = TestLoop.another(vertx);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ClusterBus bus = new ClusterBus(vertx.eventBus(), new HubMetrics(meters));
  private final LocalRegistry registryA =
      new LocalRegistry(HubMetrics.detached(), new SubscriberCensus(), null, vertx);
  private final LocalRegistry registryB =
      new LocalRegistry(HubMetrics.detached(), new SubscriberCensus(), null, vertx);
  private final RecordingRecipient aliceOnA = new RecordingRecipient("alice on A");
  private final RecordingRecipient bobOnA = new RecordingRecipient("bob on A");
  private final RecordingRecipient aliceOnB = new RecordingRecipient("alice on B");
  private final RecordingRecipient carolOnB = new RecordingRecipient("carol on B");
  private final List<RecordingRecipient> everyone = List.of(aliceOnA, bobOnA, aliceOnB, carolOnB);

  @BeforeEach
  void attach() throws Exception {
    loopA
        .call(() -> {
          registryA.addConnection(aliceOnA, "alice");
          registryA.addConnection(bobOnA, "bob");
          registryA.subscribe("tasks", bobOnA);
          return bus.attach(registryA);
        })
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    loopB
        .call(() -> {
          registryB.addConnection(aliceOnB, "alice");
          registryB.addConnection(carolOnB, "carol");
          registryB.subscribe("tasks", aliceOnB);
          registryB.subscribe("tasks", carolOnB);
          return bus.attach(registryB);
        })
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() {
    loopA.close();
  }

  /**
   * Publishes a last event to everyone and waits until it reached every recipient: each registry
   * hears the bus in order, so whatever was published before has arrived by then.
   */
  private void fence() {
    bus.publish(unnumbered(Audience.all(), -1));
    for (RecordingRecipient recipient : everyone) {
      Awaitility.await().atMost(WAIT).until(() -> recipient.numbers().contains(-1));
    }
  }

  private static List<Integer> numbersBeforeFence(RecordingRecipient recipient) {
    return recipient.numbers().stream().filter(n -> n != -1).toList();
  }

  @Test
  void eachEventReachesItsAudienceOnEveryEventLoopOnce() {
    bus.publish(unnumbered(Audience.channel("tasks"), 1));
    bus.publish(unnumbered(Audience.user("alice"), 2));
    bus.publish(unnumbered(Audience.all(), 3));
    bus.publish(unnumbered(Audience.user("nobody"), 4));
    fence();
    assertThat(everyone.stream().map(ClusterBusTest::numbersBeforeFence).toList())
        .containsExactly(List.of(2, 3), List.of(1, 3), List.of(1, 2, 3), List.of(1, 3));
  }

  @Test
  void aHistoryEventCrossesWithItsOffsetEpochAndKind() {
    String epoch = Epochs.fresh();
    loopA.run(() -> registryA.startFeed("tasks", new StreamPosition(0, epoch)));
    loopB.run(() -> registryB.startFeed("tasks", new StreamPosition(0, epoch)));
    Buffer frame = EventBytes.withPosition(
        EventBytes.binary(TestEvents.json(1), Buffer.buffer(new byte[] {1, 2, 3})), true, 1, epoch);
    bus.publish(new FanoutEvent(Audience.channel("tasks"), frame, 1, epoch, true));
    fence();
    for (RecordingRecipient subscriber : List.of(bobOnA, aliceOnB, carolOnB)) {
      FanoutEvent event = subscriber.events().get(0);
      assertThat(List.of(
              event.audience(), event.offset(), event.epoch(), event.binary(), event.bytes()))
          .as(subscriber.toString())
          .containsExactly(Audience.channel("tasks"), 1L, epoch, true, frame);
    }
  }

  @Test
  void aMessageWithoutAValidAudienceIsDroppedAndTheBusGoesOn() {
    Buffer bytes = TestEvents.json(9);
    vertx.eventBus().publish(Addresses.FANOUT, bytes);
    vertx
        .eventBus()
        .publish(
            Addresses.FANOUT,
            bytes,
            new DeliveryOptions().addHeader(Addresses.AUDIENCE_HEADER, "everyone"));
    vertx
        .eventBus()
        .publish(
            Addresses.FANOUT,
            bytes,
            new DeliveryOptions().addHeader(Addresses.AUDIENCE_HEADER, "user:"));
    bus.publish(unnumbered(Audience.user("carol"), 1));
    fence();
    assertThat(everyone.stream().map(ClusterBusTest::numbersBeforeFence).toList())
        .containsExactly(List.of(), List.of(), List.of(), List.of(1));
  }

  /**
   * Any process that joins the cluster can publish on the fan-out address (docs/security.md): a
   * message whose offset is not a positive number, or whose body is not bytes, is dropped with a
   * warning, and the bus goes on delivering.
   */
  @Test
  void aMessageWithABadOffsetOrBodyIsDroppedAndTheBusGoesOn() {
    loopA.run(() -> registryA.startFeed("tasks", new StreamPosition(0, "e1")));
    Buffer bytes = TestEvents.json(9);
    for (String offset : List.of("abc", "-5", "99999999999999999999")) {
      vertx
          .eventBus()
          .publish(
              Addresses.FANOUT,
              bytes,
              new DeliveryOptions()
                  .addHeader(Addresses.AUDIENCE_HEADER, "channel:tasks")
                  .addHeader(Addresses.OFFSET_HEADER, offset)
                  .addHeader(Addresses.EPOCH_HEADER, "e1"));
    }
    vertx
        .eventBus()
        .publish(
            Addresses.FANOUT,
            "not bytes",
            new DeliveryOptions().addHeader(Addresses.AUDIENCE_HEADER, "all"));
    bus.publish(unnumbered(Audience.user("carol"), 1));
    fence();
    assertThat(everyone.stream().map(ClusterBusTest::numbersBeforeFence).toList())
        .containsExactly(List.of(), List.of(), List.of(), List.of(1));
  }

  @Test
  void eachPublishIsCountedOnceAndEachDeliveryOncePerRecipient() {
    bus.publish(numbered("elsewhere", 1, Epochs.fresh())); // no subscriber on this node
    bus.publish(unnumbered(Audience.channel("tasks"), 1));
    bus.publish(unnumbered(Audience.user("alice"), 2));
    fence();
    assertThat(List.of(
            count("hub.events.published", "channel"),
            count("hub.events.published", "user"),
            count("hub.events.published", "all")))
        .containsExactly(2.0, 1.0, 1.0);
    assertThat(List.of(
            count("hub.events.delivered", "channel"),
            count("hub.events.delivered", "user"),
            count("hub.events.delivered", "all")))
        .containsExactly(3.0, 2.0, 4.0);
  }

  private double count(String name, String audience) {
    return meters.find(name).tag("audience", audience).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
