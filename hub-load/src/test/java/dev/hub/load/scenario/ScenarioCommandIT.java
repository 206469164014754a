package dev.hub.load.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario command as a user runs it, at {@code --quick} sizes: real hub processes from the
 * built jar (one node, then a two-node cluster) and the baseline server, a rate sweep, and the
 * report, the JSON lines and the plot it promises. Checks what was run and counted, not speed.
 */
class ScenarioCommandIT {
  /** Set by failsafe (hub-load/pom.xml): the jar the hub module packaged before this module's tests. */
  private static final Path HUB_JAR =
      Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));

  @Test
  void scenarioTwoRunsTheSweepOnEveryClusterSizeAndWritesItsReport(@TempDir Path out)
      throws Exception {
    assertThat(HUB_JAR)
        .as("the hub's fat jar: mvn -pl hub-load -am verify builds it first")
        .isRegularFile();

    int code = ScenarioMain.run(List.of(
        "2", "--quick", "--no-pin", "--hub-jar", HUB_JAR.toString(), "--out", out.toString()));

    assertThat(code).isZero();
    List<JsonObject> lines = Files.readAllLines(out.resolve("results.jsonl")).stream()
        .map(JsonObject::new)
        .toList();
    List<JsonObject> runs =
        lines.stream().filter(line -> line.containsKey("result")).toList();
    assertThat(lines)
        .filteredOn(line -> line.containsKey("idleServerCpuSecondsPerSecond"))
        .hasSize(2);
    assertThat(runs)
        .extracting(run -> run.getString("label"))
        .containsExactly(
            "baseline 10 events/s",
            "1 node 10 events/s",
            "1 node 50 events/s",
            "2 nodes 10 events/s",
            "2 nodes 50 events/s");
    for (JsonObject run : runs) {
      JsonObject result = run.getJsonObject("result");
      assertThat(result.getLong("lost")).as(run.getString("label") + " lost").isZero();
      assertThat(result.getLong("delivered"))
          .as(run.getString("label") + " delivered")
          .isEqualTo(result.getLong("published") * 40)
          .isPositive();
      assertThat(result.getJsonObject("cpu").getDouble("serverMicrosPerDelivery"))
          .as("the servers' CPU time was read")
          .isPositive();
    }
    JsonObject twoNodes = runs.get(3).getJsonObject("result");
    assertThat(twoNodes.getInteger("remoteSubscribers")).isEqualTo(20);
    assertThat(twoNodes.getJsonObject("latency").getJsonObject("remote").getLong("count"))
        .isPositive();
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report)
        .contains(
            "knee with 1 node(s)",
            "net of idle CPU",
            "knee with 2 node(s)",
            "remote p99 / baseline p99",
            "two nodes' local p99 / baseline p99",
            "one node's p99 / baseline p99",
            "issue 12's target at light load: at most 1.30",
            "events lost over every hub run: **0**");
    assertThat(out.resolve("latency-vs-rate.png")).isNotEmptyFile();
    assertThat(Files.readAllBytes(out.resolve("latency-vs-rate.png")))
        .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void theHistoryScenarioPublishesOnBothChannelsOfTwoNodesAndComparesThem(@TempDir Path out)
      throws Exception {
    int code = ScenarioMain.run(List.of(
        "history",
        "--quick",
        "--no-pin",
        "--hub-jar",
        HUB_JAR.toString(),
        "--out",
        out.toString()));

    assertThat(code).isZero();
    List<JsonObject> runs = Files.readAllLines(out.resolve("results.jsonl")).stream()
        .map(JsonObject::new)
        .filter(line -> line.containsKey("result"))
        .toList();
    assertThat(runs)
        .extracting(run -> run.getString("label"))
        .containsExactly(
            "without history, round 1",
            "with history, round 1",
            "without history, round 2",
            "with history, round 2");
    for (JsonObject run : runs) {
      JsonObject result = run.getJsonObject("result");
      assertThat(result.getLong("lost")).as(run.getString("label") + " lost").isZero();
      assertThat(result.getLong("acked"))
          .as(run.getString("label") + " acked")
          .isEqualTo(result.getLong("published"))
          .isPositive();
      assertThat(result.getInteger("urls")).as("nodes").isEqualTo(2);
    }
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("with history / without: server CPU per publish");
  }

  @Test
  void anUnknownScenarioOrOptionIsAUsageError() throws Exception {
    assertThat(ScenarioMain.run(List.of("5"))).isEqualTo(2);
    assertThat(ScenarioMain.run(List.of("1", "--bogus"))).isEqualTo(2);
    assertThat(ScenarioMain.run(List.of("1", "--hub-jar", "/nonexistent/hub.jar")))
        .isEqualTo(2);
  }
}
