package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.FreePorts;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The jar as operators run it with {@code --log-format json}: every line it logs is one JSON
 * object carrying the node id, and a token a client presents does not appear in any of them.
 */
class JsonLogsProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern READY = Pattern.compile("hub ready node=(\\S+) port=(\\d+)");
  private static final String TOKEN =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqc29uIn0.anNvbi1sb2dzLXNpZ25hdHVyZQ";

  private final Vertx vertx = Vertx.vertx();
  private Process process;

  @Test
  void everyLineIsJsonWithTheNodeIdAndNoToken() throws Exception {
    int clusterPort = FreePorts.one();
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-jar",
            jar.toString(),
            "--open",
            "--port",
            "0",
            "--node-id",
            "json-1",
            "--log-format",
            "json",
            "--cluster-name",
            "hub-json-" + UUID.randomUUID().toString().substring(0, 8),
            "--cluster-port",
            String.valueOf(clusterPort),
            "--members",
            "127.0.0.1:" + clusterPort)
        .redirectErrorStream(true)
        .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> read(lines, port), "json-logs");
    reader.setDaemon(true);
    reader.start();

    HubTestClient client = HubTestClient.connect(
        vertx,
        port.get(WAIT.toSeconds(), TimeUnit.SECONDS),
        "/ws?token=" + TOKEN,
        Map.of("Authorization", "Bearer " + TOKEN),
        WAIT);
    client.request(new JsonObject().put("type", "auth").put("id", 1).put("token", TOKEN), WAIT);
    client.sendText("{broken " + TOKEN);
    client.awaitType("error", WAIT);
    // SIGTERM through the handle: Process.destroy() would also close our end of its output first,
    // and the lines logged during the graceful stop would be lost.
    process.toHandle().destroy();
    assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    reader.join(WAIT.toMillis());

    List<String> logged =
        lines.stream().filter(line -> !READY.matcher(line).find()).toList();
    assertThat(logged).as("the start is logged").anyMatch(line -> line.contains("serving on"));
    assertThat(logged)
        .as("the graceful stop is logged")
        .anyMatch(line -> line.contains("stopping"));
    for (String line : logged) {
      JsonObject json = new JsonObject(line);
      assertThat(json.getJsonObject("context").getJsonObject("properties").getString("node"))
          .isEqualTo("json-1");
      assertThat(json.getString("level")).isNotBlank();
    }
    assertThat(String.join("\n", lines))
        .doesNotContain(TOKEN)
        .doesNotContain("anNvbi1sb2dzLXNpZ25hdHVyZQ");
  }

  private void read(List<String> lines, CompletableFuture<Integer> port) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
          port.complete(Integer.parseInt(ready.group(2)));
        }
      }
      port.completeExceptionally(new IllegalStateException("the process ended: " + lines));
    } catch (Exception e) {
      port.completeExceptionally(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
