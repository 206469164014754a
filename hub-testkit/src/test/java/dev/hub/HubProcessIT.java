package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two hub JVMs started from the built jar, as a user runs them: they form a cluster, an event
 * published on one reaches a client of the other, and a graceful stop (SIGTERM) of one sends its
 * clients {@code reconnect} and close 1012, then ends the process.
 */
class HubProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern READY = Pattern.compile("hub ready node=(\\S+) port=(\\d+) cluster=(\\S+) members=(\\d+)");

  private final List<Process> processes = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final List<HubTestClient> clients = new ArrayList<>();

  @Test
  void twoJvmsDeliverToEachOtherAndStopGracefully() throws Exception {
    String cluster = "hub-proc-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> clusterPorts = freePorts(2);
    String members = "127.0.0.1:" + clusterPorts.get(0) + ",127.0.0.1:" + clusterPorts.get(1);
    int port1 = startNode("p1", cluster, clusterPorts.get(0), members);
    int port2 = startNode("p2", cluster, clusterPorts.get(1), members);

    HubTestClient client1 = connect(port1);
    HubTestClient client2 = connect(port2);
    client2.request(new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"), WAIT);
    // The first node learns of the second's fan-out consumer asynchronously: publish until it lands.
    Awaitility.await("an event from node 1 reaches node 2").atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          client1.send(new JsonObject().put("type", "publish").put("channel", "tasks")
              .put("event", new JsonObject().put("type", "task_created").put("taskId", 1)));
          return !client2.received(f -> "task_created".equals(f.getString("type"))).isEmpty();
        });
    JsonObject event = client2.awaitType("task_created", WAIT);
    assertThat(event.getString("channel")).isEqualTo("tasks");
    assertThat(event.getInteger("taskId")).isEqualTo(1);

    Process node2 = processes.get(1);
    node2.destroy(); // SIGTERM: the hub's shutdown hook drains its clients
    assertThat(client2.awaitType("reconnect", WAIT)).isNotNull();
    assertThat(client2.awaitClose(WAIT)).isEqualTo(1012);
    assertThat(node2.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("node 2 exits").isTrue();
    assertThat(client1.isClosed()).as("node 1's client is untouched").isFalse();
  }

  private int startNode(String nodeId, String cluster, int clusterPort, String members) throws Exception {
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    assertThat(jar).as("the fat jar (mvn package builds it)").exists();
    Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve(nodeId + ".log");
    Process process = new ProcessBuilder(javaBin(), "-Xmx256m", "-jar", jar.toString(),
        "--open", "--port", "0", "--node-id", nodeId, "--cluster-name", cluster,
        "--cluster-port", String.valueOf(clusterPort), "--members", members)
        .redirectErrorStream(true).start();
    processes.add(process);
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> copyOutput(process, log, port), "output-" + nodeId);
    reader.setDaemon(true);
    reader.start();
    try {
      return port.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + nodeId + " printed no ready line; see " + log.toAbsolutePath(), e);
    }
  }

  /** Copies the child's output to a log file and completes with the port of its ready line. */
  private static void copyOutput(Process process, Path log, CompletableFuture<Integer> port) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         var out = Files.newBufferedWriter(log)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
          port.complete(Integer.parseInt(ready.group(2)));
        }
      }
      port.completeExceptionally(new IllegalStateException("the process ended"));
    } catch (IOException e) {
      port.completeExceptionally(e);
    }
  }

  private HubTestClient connect(int port) {
    HubTestClient client = HubTestClient.connect(vertx, port, "/ws", WAIT);
    clients.add(client);
    return client;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    clients.forEach(HubTestClient::close);
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
