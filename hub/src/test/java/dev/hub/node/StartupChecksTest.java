package dev.hub.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.config.ConfigException;
import dev.hub.config.ConfigReader;
import dev.hub.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node reads and checks its files before it joins a cluster: with a bad key, certificate or
 * cluster file, {@link HubNode#start} fails with a {@link ConfigException} that names the setting
 * and the file, and the member already in the cluster (a plain Hazelcast member here, the one the
 * node is told to join) never sees it come.
 */
class StartupChecksTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static HazelcastInstance watcher;
  private static final List<String> joined = new CopyOnWriteArrayList<>();
  private static String clusterName;
  private static int watcherPort;

  @TempDir
  Path files;

  @BeforeAll
  static void startWatcher() throws IOException {
    clusterName = "startup-checks-" + UUID.randomUUID().toString().substring(0, 8);
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
  void noMemberJoined() {
    // A node that joined before failing is added on the watcher's side asynchronously: give it the
    // time a join takes to be heard, bounded.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(joined).as("members that joined the watcher's cluster").isEmpty());
  }

  @Test
  void aJwksWithoutAUsableKeyFailsBeforeJoining() throws Exception {
    Path jwks =
        write("jwks.json", "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"c2hvcnQ\"}]}");
    assertThat(startFailure(json -> json.put("jwt", new JsonObject().put("jwks", jwks.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jwt.jwks")
        .hasMessageContaining(jwks.toString())
        .hasMessageContaining("no usable key");
  }

  @Test
  void aMissingPublicKeyFileFailsBeforeJoining() throws Exception {
    Path missing = files.resolve("absent.pem");
    assertThat(startFailure(
            json -> json.put("jwt", new JsonObject().put("publicKey", missing.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("jwt.publicKey")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aMissingClusterTlsFileFailsBeforeJoining() throws Exception {
    Path key = write("node.key", "not read: the certificate is missing");
    Path ca = write("ca.pem", "not read: the certificate is missing");
    Path missing = files.resolve("node.pem");
    assertThat(startFailure(json -> json.getJsonObject("cluster")
            .put(
                "tls",
                new JsonObject()
                    .put("cert", missing.toString())
                    .put("key", key.toString())
                    .put("ca", ca.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.cert")
        .hasMessageContaining("--cluster-tls-cert")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aClusterCaThatIsNotPemFailsBeforeJoining() throws Exception {
    // The node's own pair is read first; a pair that is not PEM would fail before the CA is looked
    // at.
    Path ca =
        write("ca.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    Path cert = write("node.pem", "garbage");
    Path key = write("node.key", "garbage");
    assertThat(startFailure(json -> json.getJsonObject("cluster")
            .put(
                "tls",
                new JsonObject()
                    .put("cert", cert.toString())
                    .put("key", key.toString())
                    .put("ca", ca.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls");
  }

  @Test
  void aTlsCertificateThatIsNotPemFailsBeforeJoining() throws Exception {
    Path cert = write("server.pem", "this is no certificate");
    Path key = write("server.key", "this is no key");
    assertThat(startFailure(json -> json.put(
            "tls", new JsonObject().put("cert", cert.toString()).put("key", key.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.cert")
        .hasMessageContaining(cert.toString());
  }

  @Test
  void aMissingClusterConfigurationFileFailsTheStartRatherThanThrowing() throws Exception {
    Path missing = files.resolve("absent.xml");
    assertThat(
            startFailure(json -> json.getJsonObject("cluster").put("config", missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  /** Starts a secured node told to join the watcher, with {@code adjust} applied; returns why it failed. */
  private Throwable startFailure(Consumer<JsonObject> adjust) throws Exception {
    JsonObject json = new JsonObject()
        .put("port", 0)
        .put("host", "127.0.0.1")
        .put("nodeId", "checked")
        .put("eventLoops", 1)
        .put("jwt", new JsonObject().put("secret", "startup-checks-secret-0123456789-abcdef"))
        .put(
            "cluster",
            new JsonObject()
                .put("name", clusterName)
                .put("host", "127.0.0.1")
                .put("port", FreePorts.one())
                .put("members", new JsonArray().add("127.0.0.1:" + watcherPort)));
    adjust.accept(json);
    Future<HubNode> started = HubNode.start(ConfigReader.read(json));
    try {
      HubNode node = started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      node.stop().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("the node started");
    } catch (Exception failure) {
      return failure;
    }
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(files.resolve(name), text);
  }
}
