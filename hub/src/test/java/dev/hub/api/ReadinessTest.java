package dev.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.transport.ConnectionGate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The procedure behind {@code GET /ready}, condition by condition. */
class ReadinessTest {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicBoolean joined = new AtomicBoolean(false);
  private final ConnectionGate gate = new ConnectionGate(10, 10);
  private final Readiness readiness = new Readiness(joined::get, gate);

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void notReadyBeforeTheClusterIsJoinedAndTheNodeHasStarted() throws Exception {
    assertThat(readiness.isReady()).isFalse();
    assertThat(check()).isEqualTo(checks(false, false, false, true));

    joined.set(true);
    assertThat(readiness.isReady())
        .as("joined, but fan-out consumers not yet registered")
        .isFalse();
    assertThat(check()).isEqualTo(checks(false, false, true, true));

    readiness.started();
    assertThat(readiness.isReady())
        .as("registered, but the other members' events not yet seen here")
        .isFalse();
    assertThat(check()).isEqualTo(checks(true, false, true, true));

    readiness.fanoutConfirmed();
    assertThat(readiness.isReady()).isTrue();
    assertThat(check()).isEqualTo(checks(true, true, true, true));
  }

  @Test
  void notReadyOnceDrainingOrWhenTheClusterIsLost() throws Exception {
    joined.set(true);
    readiness.started();
    readiness.fanoutConfirmed();
    gate.startDraining();
    assertThat(readiness.isReady()).isFalse();
    assertThat(check()).isEqualTo(checks(true, true, true, false));

    Readiness lost = new Readiness(() -> false, new ConnectionGate(10, 10));
    lost.started();
    lost.fanoutConfirmed();
    assertThat(lost.isReady()).isFalse();
  }

  @Test
  void notReadyWithoutAMajorityOfTheCluster() throws Exception {
    Readiness minority = new Readiness(() -> true, new ConnectionGate(10, 10), () -> false);
    minority.started();
    minority.fanoutConfirmed();
    assertThat(minority.isReady())
        .as("a node on the minority side of a split serves no history")
        .isFalse();
    CheckResult result = minority.checks(vertx).checkStatus().await(10, TimeUnit.SECONDS);
    assertThat(result.getChecks())
        .filteredOn(check -> check.getId().equals("quorum"))
        .extracting(CheckResult::getUp)
        .containsExactly(false);
  }

  private JsonObject check() throws Exception {
    CheckResult result = readiness.checks(vertx).checkStatus().await(10, TimeUnit.SECONDS);
    JsonObject byId = new JsonObject();
    result.getChecks().forEach(check -> byId.put(check.getId(), check.getUp()));
    return byId.put("up", result.getUp());
  }

  private static JsonObject checks(
      boolean started, boolean fanout, boolean cluster, boolean accepting) {
    return new JsonObject()
        .put("started", started)
        .put("fanout", fanout)
        .put("cluster", cluster)
        .put("quorum", true)
        .put("accepting", accepting)
        .put("up", started && fanout && cluster && accepting);
  }
}
