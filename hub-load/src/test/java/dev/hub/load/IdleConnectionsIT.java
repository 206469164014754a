package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubCluster;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The idle command against a real hub node in this JVM. */
@Timeout(120)
class IdleConnectionsIT {
  @Test
  void theIdleCommandOpensHoldsAndMeasuresConnectionsOnANode() {
    try (HubCluster cluster = HubCluster.start(1)) {
      String url = "ws://127.0.0.1:" + cluster.node(0).port() + "/ws";
      long self = ProcessHandle.current().pid(); // the node runs in this JVM
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      int code = LoadMain.execute(
          new String[] {
            "idle",
            "--urls",
            url,
            "--connections",
            "200",
            "--subscribe",
            "idle-room",
            "--connects-per-second",
            "0",
            "--hold",
            "300ms",
            "--server-pids",
            Long.toString(self)
          },
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream()));

      assertThat(code).isZero();
      String stdout = out.toString(StandardCharsets.UTF_8);
      assertThat(stdout.lines()).as("one JSON line").hasSize(1);
      JsonObject result = new JsonObject(stdout);
      assertThat(result.getInteger("opened")).isEqualTo(200);
      assertThat(result.getInteger("failed")).isZero();
      assertThat(result.getInteger("closedDuringHold")).isZero();
      assertThat(result.getDouble("connectsPerSecond")).isPositive();
      JsonObject memory = result.getJsonArray("servers").getJsonObject(0);
      assertThat(memory.getString("error")).isNull();
      assertThat(memory.getLong("rssBefore")).isPositive();
      assertThat(memory.getLong("heapBefore")).isPositive();
      assertThat(memory.getLong("heapAfter")).isPositive();
      assertThat(result.getDouble("heapBytesPerConnection")).isNotNull();
    }
  }
}
