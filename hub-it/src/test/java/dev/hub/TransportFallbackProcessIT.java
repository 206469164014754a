package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.FreePorts;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node whose epoll library cannot load, as on a host whose temporary directory is mounted
 * noexec: here Netty is pointed at a directory it cannot create. The node starts anyway on Java
 * NIO, says why in one line, and serves clients.
 */
class TransportFallbackProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx();
  private Process process;
  private HubTestClient client;

  @Test
  void aNodeWhoseEpollLibraryCannotLoadRunsOnNioAndSaysWhy() throws Exception {
    int clusterPort = FreePorts.one();
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    Path log = Files.createDirectories(
            Path.of("target", "process-logs", "TransportFallbackProcessIT"))
        .resolve("node.log");
    ProcessBuilder builder = new ProcessBuilder(List.of(
            HubProcesses.javaBin(),
            "-Xmx256m",
            "-Dio.netty.native.workdir=/proc/no-such-dir",
            "-jar",
            jar.toString(),
            "--open",
            "--port",
            "0",
            "--cluster-name",
            "hub-fallback-" + UUID.randomUUID().toString().substring(0, 8),
            "--cluster-port",
            String.valueOf(clusterPort),
            "--members",
            "127.0.0.1:" + clusterPort))
        .redirectErrorStream(true);
    process = builder.start();
    Matcher ready = HubProcesses.awaitReady(process, log, WAIT);

    String output = Files.readString(log);
    assertThat(output)
        .as("the node says why it cannot use epoll, naming the innermost cause")
        .contains("the epoll transport is not available here (java.io.IOException")
        .contains("/proc/no-such-dir")
        .contains(" over nio ");
    client = HubTestClient.connect(vertx, Integer.parseInt(ready.group(2)), "/ws", WAIT);
    JsonObject subscribed = client.request(
        new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"), WAIT);
    assertThat(subscribed.getString("type")).isEqualTo("subscribed");
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
