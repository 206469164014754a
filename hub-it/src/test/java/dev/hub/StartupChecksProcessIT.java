package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.testkit.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar hub.jar} with a file it cannot use (a JWKS without a usable key, a missing
 * cluster TLS certificate) exits with 2 and one line naming the setting, as for a bad flag, and
 * does so before it joins the cluster: the member it is told to join (a plain Hazelcast member in
 * this JVM) never sees it, and it prints neither Hazelcast's member list nor its ready line.
 */
class StartupChecksProcessIT {
  /** Far more than reading a few files takes; a node that joined first and then failed took about 10 s. */
  private static final Duration QUICK = Duration.ofSeconds(30);

  private static HazelcastInstance watcher;
  private static final List<String> joined = new CopyOnWriteArrayList<>();
  private static String clusterName;
  private static int watcherPort;

  private final List<Process> processes = new ArrayList<>();

  @TempDir
  Path files;

  @BeforeAll
  static void startWatcher() throws IOException {
    clusterName = "hub-checks-" + UUID.randomUUID().toString().substring(0, 8);
    watcherPort = FreePorts.one();
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().setPort(watcherPort).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + watcherPort);
    watcher = Hazelcast.newHazelcastInstance(config);
    watcher.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        joined.add(event.getMember().toString());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        // A member that joined was seen when it was added.
      }
    });
  }

  @AfterAll
  static void stopWatcher() {
    if (watcher != null) {
      watcher.shutdown();
    }
  }

  @BeforeEach
  void forgetEarlierTests() {
    joined.clear();
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aJwksWithoutAUsableKeyExitsWith2InOneLineBeforeJoining() throws Exception {
    Path jwks = Files.writeString(
        files.resolve("jwks.json"),
        "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"c2hvcnQ\"}]}");
    String output = refusedStart("--jwks", jwks.toString());
    assertThat(output).startsWith("hub: jwt.jwks: " + jwks).contains("no usable key");
  }

  @Test
  void aMissingClusterTlsCertificateExitsWith2InOneLineBeforeJoining() throws Exception {
    Path key = Files.writeString(files.resolve("node.key"), "not read: the certificate is missing");
    Path ca = Files.writeString(files.resolve("ca.pem"), "not read: the certificate is missing");
    Path missing = files.resolve("node.pem");
    String output = refusedStart(
        "--jwt-secret",
        "startup-checks-process-it-0123456789-abcdef",
        "--cluster-tls-cert",
        missing.toString(),
        "--cluster-tls-key",
        key.toString(),
        "--cluster-tls-ca",
        ca.toString());
    assertThat(output)
        .startsWith("hub: cluster.tls.cert (--cluster-tls-cert)")
        .contains(missing.toString());
  }

  /**
   * Runs a node told to join the watcher, with these flags; asserts that it exits with 2, quickly,
   * having printed one line and joined nothing, and returns that line.
   */
  private String refusedStart(String... flags) throws Exception {
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    assertThat(jar).as("the fat jar (mvn package builds it)").exists();
    List<String> command = new ArrayList<>(List.of(
        HubProcesses.javaBin(),
        "-Xmx256m",
        "-jar",
        jar.toString(),
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--node-id",
        "checked",
        "--cluster-name",
        clusterName,
        "--cluster-host",
        "127.0.0.1",
        "--cluster-port",
        String.valueOf(FreePorts.one()),
        "--members",
        "127.0.0.1:" + watcherPort));
    command.addAll(List.of(flags));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("HUB_"));
    Process process = builder.start();
    processes.add(process);
    boolean ended = process.waitFor(QUICK.toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended)
        .as("the node ended within %s; its output:%n%s", QUICK, output)
        .isTrue();
    assertThat(process.exitValue()).as("exit status; output:%n%s", output).isEqualTo(2);
    assertThat(output.lines().filter(line -> !line.isBlank()).toList())
        .as("the lines it printed")
        .hasSize(1);
    assertThat(output).doesNotContain("hub ready").doesNotContain("Members {");
    assertThat(joined).as("members that joined the watcher's cluster").isEmpty();
    return output.strip();
  }
}
