package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator against the baseline server. */
@Timeout(60)
class BaselineLoadTest {
  private BaselineServer server;

  @BeforeEach
  void start() throws Exception {
    server = BaselineServer.start("127.0.0.1", 0, 1, "nio").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }

  private LoadOptions options() {
    return LoadOptions.defaults(List.of(URI.create("ws://127.0.0.1:" + server.port() + "/any")))
        .withTarget(Target.BASELINE)
        .withSubscribers(10)
        .withWarmup(Duration.ofMillis(200))
        .withDuration(Duration.ofSeconds(1))
        .withConnectsPerSecond(0);
  }

  @Test
  void aMaxRunKeepsWithinItsInFlightBoundAndLosesNothing() throws Exception {
    LoadResult result =
        LoadGenerator.run(options().withMode(Mode.MAX).withMaxInFlight(5).withPayloadBytes(300));

    assertThat(result.published()).isGreaterThan(5);
    assertThat(result.inFlightPeak()).isBetween(1, 5);
    assertThat(result.timedOutEvents()).isZero();
    assertThat(result.delivered()).isEqualTo(result.published() * 10);
    assertThat(result.lost()).isZero();
    assertThat(result.duplicates()).isZero();
    assertThat(result.outOfOrder()).isZero();
    assertThat(result.localSubscribers()).isEqualTo(10);
    assertThat(result.local().count()).isPositive();
    assertThat(result.deliveriesPerSecond()).isPositive();
  }

  @Test
  void onEpollTheBaselineDeliversTheSame() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
    server = BaselineServer.start("127.0.0.1", 0, 1, "epoll").await(10, TimeUnit.SECONDS);
    assertThat(server.transport()).isEqualTo("epoll");

    LoadResult result = LoadGenerator.run(options().withEventsPerSecond(100));

    assertThat(result.delivered()).isEqualTo(result.published() * 10).isPositive();
    assertThat(result.lost()).isZero();
  }

  @Test
  void aRateRunPublishesOnSchedule() throws Exception {
    LoadResult result = LoadGenerator.run(options().withEventsPerSecond(100));

    // 1.2 s at 100/s is 120 events by the schedule, whatever the machine's speed.
    assertThat(result.published()).isEqualTo(120);
    assertThat(result.delivered()).isEqualTo(1200);
    assertThat(result.lost()).isZero();
    assertThat(result.local().count()).isEqualTo(1000);
  }
}
