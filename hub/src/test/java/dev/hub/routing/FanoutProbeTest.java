package dev.hub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hub.metrics.HubMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probe a node sends through the other nodes before it says ready, with two "members" on one
 * event bus: each relays the other's probe through {@code hub.fanout}, where it is neither delivered
 * to a connection nor counted as an event.
 */
class FanoutProbeTest {
  private static final long WAIT_S = 10;

  private Vertx vertx;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final HubMetrics metrics = new HubMetrics(meters);
  private final List<FanoutEvent> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void eachMemberRelaysTheOthersProbeWhichReachesNoConnectionAndCountsAsNoEvent() throws Exception {
    List<String> members = List.of("a", "b", "service");
    FanoutProbe a = member("a", members);
    FanoutProbe b = member("b", members);

    // "service" has no probe address, as a JVM service: it is skipped, not waited for.
    a.seenByOthers().await(WAIT_S, TimeUnit.SECONDS);
    b.seenByOthers().await(WAIT_S, TimeUnit.SECONDS);

    assertThat(delivered).as("probes written to connections").isEmpty();
    assertThat(meters.find("hub.events.delivered").counters())
        .as("probes counted as events")
        .allSatisfy(counter -> assertThat(counter.count()).isZero());
  }

  @Test
  void aMemberWhoseProbeDoesNotArriveIsAskedAgainUntilTheNodeStops() throws Exception {
    // "deaf" answers on its probe address but publishes nothing, as a member that has not heard of
    // this node's consumers: its probe never arrives.
    vertx
        .eventBus()
        .<String>consumer(Addresses.PROBE_PREFIX + "deaf", request -> request.reply(null))
        .completion()
        .await(WAIT_S, TimeUnit.SECONDS);
    FanoutProbe a = member("a", List.of("a", "deaf"));

    Future<Void> seen = a.seenByOthers();
    assertThatThrownBy(() -> seen.await(
            2 * FanoutProbe.ATTEMPT_MS + FanoutProbe.RETRY_DELAY_MS, TimeUnit.MILLISECONDS))
        .as("ready although one member's events do not reach it")
        .isInstanceOf(TimeoutException.class);

    a.stop().await(WAIT_S, TimeUnit.SECONDS);
    assertThatThrownBy(() -> seen.await(WAIT_S, TimeUnit.SECONDS)).hasMessageContaining("stopped");
  }

  /** One member: its probe, and its fan-out consumer on a registry with a connection in every audience. */
  private FanoutProbe member(String id, List<String> members) throws Exception {
    FanoutProbe probe = new FanoutProbe(vertx, id, () -> members, metrics);
    ClusterBus bus = new ClusterBus(vertx.eventBus(), metrics, probe);
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Void> attached = new CompletableFuture<>();
    context.runOnContext(v -> {
      LocalRegistry registry = new LocalRegistry();
      registry.addConnection(delivered::add, "alice");
      bus.attach(registry).onComplete(done -> attached.complete(null));
    });
    attached.get(WAIT_S, TimeUnit.SECONDS);
    probe.answer().await(WAIT_S, TimeUnit.SECONDS);
    return probe;
  }
}
