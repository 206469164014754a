package dev.hub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.metrics.HubMetrics;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which channels have a subscriber: a node's census, fed by the registries of its event loops, and
 * the question put to every member before idle history is freed, with two members on one event bus.
 */
class SubscriberCensusTest {
  private final Vertx vertx = Vertx.vertx();
  private final TestLoop loopA = TestLoop.another(vertx);
  private final TestLoop loopB = TestLoop.another(vertx);
  private final SubscriberCensus census = new SubscriberCensus();
  private final LocalRegistry registryA =
      new LocalRegistry(HubMetrics.detached(), census, null, vertx);
  private final LocalRegistry registryB =
      new LocalRegistry(HubMetrics.detached(), census, null, vertx);
  private final RecordingRecipient alice = new RecordingRecipient("alice");
  private final RecordingRecipient bob = new RecordingRecipient("bob");

  @AfterEach
  void close() {
    loopA.close();
  }

  @Test
  void aChannelIsHeldWhileAnyEventLoopOfTheNodeHasASubscriber() {
    loopA.run(() -> {
      registryA.subscribe("tasks", alice);
      registryA.subscribe("tasks", bob);
    });
    loopB.run(() -> registryB.subscribe("tasks", bob));
    loopA.run(() -> {
      registryA.unsubscribe("tasks", alice);
      registryA.unsubscribe("tasks", bob);
    });
    assertThat(census.hasSubscribers("tasks"))
        .as("held by the second event loop")
        .isTrue();
    loopB.run(() -> registryB.unsubscribe("tasks", bob));
    loopB.run(() -> registryB.unsubscribe("tasks", bob)); // twice: counted once
    assertThat(census.hasSubscribers("tasks")).isFalse();
    loopA.run(() -> registryA.subscribe("tasks", alice));
    assertThat(census.hasSubscribers("tasks")).isTrue();
    assertThat(census.hasSubscribers("other")).isFalse();
  }

  @Test
  void everyMemberIsAskedAndOneThatDoesNotAnswerCountsAsHoldingEveryChannel() throws Exception {
    loopA.run(() -> registryA.subscribe("held-here", alice));
    SubscriberCensus other = new SubscriberCensus();
    LocalRegistry otherRegistry = new LocalRegistry(HubMetrics.detached(), other, null, vertx);
    loopB.run(() -> otherRegistry.subscribe("held-there", bob));
    other.register(vertx.eventBus(), "member-b").await(TestLoop.WAIT_S, TimeUnit.SECONDS);
    census.register(vertx.eventBus(), "member-a").await(TestLoop.WAIT_S, TimeUnit.SECONDS);
    List<String> asked = List.of("held-here", "held-there", "held-nowhere");

    Set<String> nodesOnly = census
        .subscribedAnywhere(
            vertx.eventBus(), "member-a", () -> List.of("member-a", "member-b"), asked)
        .await(TestLoop.WAIT_S, TimeUnit.SECONDS);
    assertThat(nodesOnly).containsExactlyInAnyOrder("held-here", "held-there");

    // A JVM service has no census address: it cannot say, so nothing is freed under it.
    Set<String> withService = census
        .subscribedAnywhere(
            vertx.eventBus(), "member-a", () -> List.of("member-a", "member-b", "a-service"), asked)
        .await(TestLoop.WAIT_S, TimeUnit.SECONDS);
    assertThat(withService).containsExactlyInAnyOrderElementsOf(asked);
  }
}
