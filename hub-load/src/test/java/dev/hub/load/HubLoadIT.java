package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubCluster;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator against two real clustered hub nodes: what it counts must add up. */
@Timeout(120)
class HubLoadIT {
  private static HubCluster cluster;

  @BeforeAll
  static void startCluster() {
    // The publisher sends more than the default 100 frames a second in MAX mode.
    cluster = HubCluster.start(
        2,
        json -> json.put(
            "limits", new JsonObject().put("ratePerSecond", 100_000).put("burst", 100_000)));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<URI> urls() {
    return List.of(
        URI.create("ws://127.0.0.1:" + cluster.node(0).port() + "/ws"),
        URI.create("ws://127.0.0.1:" + cluster.node(1).port() + "/ws"));
  }

  @Test
  void aRateRunDeliversEveryEventToLocalAndRemoteSubscribers() throws Exception {
    LoadOptions options = LoadOptions.defaults(urls())
        .withSubscribers(20)
        .withChannel("load-rate")
        .withEventsPerSecond(50)
        .withWarmup(Duration.ofMillis(500))
        .withDuration(Duration.ofSeconds(2))
        .withConnectsPerSecond(0)
        .withServerPids(List.of(ProcessHandle.current().pid()));

    LoadResult result = LoadGenerator.run(options);

    assertThat(result.subscribed()).isEqualTo(20);
    assertThat(result.published()).isGreaterThanOrEqualTo(100);
    assertThat(result.acked()).isEqualTo(result.published());
    assertThat(result.refused()).isZero();
    assertThat(result.expected()).isEqualTo(result.published() * 20);
    assertThat(result.delivered()).isEqualTo(result.expected());
    assertThat(result.lost()).isZero();
    assertThat(result.duplicates()).isZero();
    assertThat(result.localSubscribers()).isEqualTo(10);
    assertThat(result.remoteSubscribers()).isEqualTo(10);
    assertThat(result.local().count()).isPositive();
    assertThat(result.remote().count()).isPositive();
    assertThat(result.all().count())
        .isEqualTo(result.local().count() + result.remote().count());
    assertThat(result.local().p50())
        .isPositive()
        .isLessThanOrEqualTo(result.local().max());
    assertThat(result.ack().count()).isPositive();
    assertThat(result.cpu().serverSeconds()).isNotNull();
    assertThat(result.connect().failed()).isZero();
    JsonObject json = result.toJson();
    assertThat(json.getJsonObject("latency").getJsonObject("remote").getLong("count"))
        .isPositive();
    assertThat(json.getJsonObject("connect").getDouble("perSecond")).isPositive();
  }

  @Test
  void aMaxRunOnTwoNodesLosesNothing() throws Exception {
    LoadOptions options = LoadOptions.defaults(urls())
        .withSubscribers(10)
        .withChannel("load-max")
        .withMode(Mode.MAX)
        .withMaxInFlight(8)
        .withWarmup(Duration.ZERO)
        .withDuration(Duration.ofSeconds(1));

    LoadResult result = LoadGenerator.run(options);

    assertThat(result.published()).isPositive();
    assertThat(result.inFlightPeak()).isBetween(1, 8);
    assertThat(result.lost()).isZero();
    assertThat(result.timedOutEvents()).isZero();
    assertThat(result.delivered()).isEqualTo(result.published() * 10);
  }
}
