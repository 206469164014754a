package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's secured walkthrough as a user runs it: a node started from the jar refuses to run
 * without keys or {@code --open}, starts with {@code HUB_JWT_SECRET}, refuses a client without a
 * token, and accepts one with a token printed by {@code java -jar hub.jar token}.
 */
class SecuredProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET = "secured-process-it-0123456789-abcdefghijkl";

  private final List<Process> processes = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();

  @Test
  void refusesToStartWithoutKeysOrOpenMode() throws Exception {
    Process process = start(List.of("--port", "0"), List.of());
    assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output).contains("no token verification is configured").contains("--open");
  }

  @Test
  void aTokenTtlUnderOneSecondIsRefusedWithExit2() throws Exception {
    Process mint = start(
        List.of("token", "--sub", "alice", "--ttl", "500ms"), List.of("HUB_JWT_SECRET=" + SECRET));
    assertThat(mint.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = new String(mint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(mint.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("--ttl").contains("at least 1s").doesNotContain("eyJ");
  }

  @Test
  void aMintedTokenOpensASecuredNode() throws Exception {
    String cluster = "hub-secured-" + UUID.randomUUID().toString().substring(0, 8);
    Process node = start(
        List.of("--port", "0", "--cluster-name", cluster), List.of("HUB_JWT_SECRET=" + SECRET));
    int port = awaitReady(node, "secured");

    Process mint = start(
        List.of("token", "--sub", "alice", "--channels", "tasks", "--ttl", "5m"),
        List.of("HUB_JWT_SECRET=" + SECRET));
    assertThat(mint.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String output = new String(mint.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(mint.exitValue()).as(output).isZero();
    String token = output.lines().reduce((first, last) -> last).orElseThrow();

    // A plain HTTP request with the upgrade headers, to read the refusal's status and body. The
    // chain runs on an event loop: built on the test thread, body() could be asked for after the
    // response has ended, and wait forever (eclipse-vertx/vert.x#6038).
    HttpClient http = vertx.createHttpClient();
    Promise<JsonObject> answered = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(v -> http.request(new RequestOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/ws?token=garbage")
                .putHeader("Upgrade", "websocket")
                .putHeader("Connection", "Upgrade")
                .putHeader("Sec-WebSocket-Version", "13")
                .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="))
            .compose(request -> request.send())
            .compose(response -> response
                .body()
                .map(body -> new JsonObject()
                    .put("status", response.statusCode())
                    .put("body", body.toJsonObject())))
            .onComplete(answered));
    JsonObject refusal = answered.future().await(30, TimeUnit.SECONDS);
    http.close();
    assertThat(refusal.getInteger("status")).isEqualTo(401);
    assertThat(refusal.getJsonObject("body").getString("code")).isEqualTo("unauthorized");

    HubTestClient alice = HubTestClient.connect(vertx, port, "/ws?token=" + token, WAIT);
    try {
      JsonObject reply = alice.request(
          new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"), WAIT);
      assertThat(reply.getString("type")).isEqualTo("subscribed");
      JsonObject forbidden = alice.request(
          new JsonObject().put("type", "subscribe").put("id", 2).put("channel", "other"), WAIT);
      assertThat(forbidden.getString("code")).isEqualTo("forbidden");
    } finally {
      alice.close();
    }
  }

  private Process start(List<String> args, List<String> env) throws IOException {
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    assertThat(jar).as("the fat jar (mvn package builds it)").exists();
    List<String> command =
        new ArrayList<>(List.of(HubProcesses.javaBin(), "-Xmx256m", "-jar", jar.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("HUB_"));
    for (String pair : env) {
      int eq = pair.indexOf('=');
      builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static int awaitReady(Process process, String name) throws IOException {
    Path log = Files.createDirectories(Path.of("target", "process-logs")).resolve(name + ".log");
    return Integer.parseInt(HubProcesses.awaitReady(process, log, WAIT).group(2));
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
