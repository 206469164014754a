package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubCluster;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class IdleConnectionsTest {
  @Test
  void theIdleCommandOpensHoldsAndMeasuresConnectionsOnANode() {
    try (HubCluster cluster = HubCluster.start(1)) {
      String url = "ws://127.0.0.1:" + cluster.node(0).port() + "/ws";
      long self = ProcessHandle.current().pid(); // the node runs in this JVM
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      int code = LoadMain.execute(new String[] {"idle", "--urls", url, "--connections", "200", "--subscribe",
          "idle-room", "--connects-per-second", "0", "--hold", "300ms", "--server-pids", Long.toString(self)},
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

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

  @Test
  void givesUpOnAServerThatRefusesEverything() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    IdleOptions options = new IdleOptions(List.of(URI.create("ws://127.0.0.1:" + closedPort + "/ws")), 1000,
        Target.HUB, null, 0, List.of(), Duration.ZERO, List.of());

    IdleResult result = IdleConnections.run(options);

    assertThat(result.opened()).isZero();
    assertThat(result.failed()).isGreaterThanOrEqualTo(PacedConnector.GIVE_UP_AFTER);
    assertThat(result.notAttempted()).isPositive();
    assertThat(result.failed() + result.notAttempted()).isEqualTo(1000);
    assertThat(result.reasons()).isNotEmpty();
  }
}
