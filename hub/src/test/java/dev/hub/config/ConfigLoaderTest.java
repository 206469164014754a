package dev.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags over environment over file over defaults (docs/protocol.md section 9), and the refusals. */
class ConfigLoaderTest {

  /** The example configuration file of docs/protocol.md section 9, as printed there. */
  private static final String PROTOCOL_EXAMPLE = """
      {
        "channels": [
          { "pattern": "tasks",  "history": { "size": 1000, "ttl": "1h" } },
          { "pattern": "room:*", "history": { "size": 100, "ttl": "10m" }, "presence": true, "joinLeave": true }
        ],
        "limits": { "frameBytes": 65536, "ratePerSecond": 100, "burst": 200,
                    "subscriptions": 256, "outboundBytes": 1048576 },
        "heartbeatMs": 30000
      }
      """;

  @TempDir
  Path dir;

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HubConfig load(Map<String, String> env, String... args) {
    Future<HubConfig> loading = ConfigLoader.load(vertx, CommandLine.parse(List.of(args)), env);
    try {
      return loading.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("loading the configuration did not finish", e);
    }
  }

  private String file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content).toString();
  }

  // Precedence: each level over the one below, one assertion each.

  @Test
  void flagWinsOverEnvironment() throws IOException {
    String config = file("hub.json", "{\"port\":1111}");
    HubConfig loaded =
        load(Map.of("HUB_PORT", "2222"), "--open", "--config", config, "--port", "3333");
    assertThat(loaded.node().port()).isEqualTo(3333);
  }

  @Test
  void environmentWinsOverFile() throws IOException {
    String config = file("hub.json", "{\"port\":1111,\"nodeId\":\"from-file\"}");
    HubConfig loaded =
        load(Map.of("HUB_PORT", "2222", "HUB_NODE_ID", "from-env"), "--open", "--config", config);
    assertThat(loaded.node())
        .extracting(NodeConfig::port, NodeConfig::nodeId)
        .containsExactly(2222, "from-env");
  }

  @Test
  void fileWinsOverDefault() throws IOException {
    String config = file("hub.json", "{\"port\":1111,\"cluster\":{\"name\":\"file-cluster\"}}");
    HubConfig loaded = load(Map.of(), "--open", "--config", config);
    assertThat(List.of(loaded.node().port(), loaded.cluster().name()))
        .containsExactly(1111, "file-cluster");
  }

  @Test
  void defaultsApplyWhenNothingIsGiven() {
    HubConfig loaded = load(Map.of(), "--open");
    assertThat(List.of(
            loaded.node().port(),
            loaded.node().host(),
            loaded.cluster().name(),
            loaded.cluster().config(),
            loaded.limits()))
        .containsExactly(
            8080,
            "127.0.0.1",
            "hub",
            "classpath:hub-cluster/loopback.xml",
            new LimitsConfig(65_536, 100, 200, 256, 1_048_576, 100_000));
  }

  @Test
  void nestedSettingFromFlagWinsOverTheFilesValue() throws IOException {
    String config =
        file("hub.json", "{\"cluster\":{\"name\":\"file-cluster\",\"host\":\"127.0.0.2\"}}");
    HubConfig loaded = load(
        Map.of("HUB_CLUSTER_NAME", "env-cluster"),
        "--open",
        "--config",
        config,
        "--cluster-name",
        "flag-cluster");
    assertThat(List.of(loaded.cluster().name(), loaded.cluster().host()))
        .containsExactly("flag-cluster", "127.0.0.2");
  }

  @Test
  void membersFromEnvironmentAreAList() {
    HubConfig loaded = load(Map.of("HUB_MEMBERS", "10.0.0.1:5701, 10.0.0.2"), "--open");
    assertThat(loaded.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2");
  }

  @Test
  void configFileCanComeFromTheEnvironment() throws IOException {
    String config = file("hub.json", "{\"port\":1111}");
    HubConfig loaded = load(Map.of("HUB_CONFIG", config, "HUB_OPEN", "true"));
    assertThat(loaded.node().port()).isEqualTo(1111);
  }

  @Test
  void yamlFileIsRead() throws IOException {
    String config = file("hub.yaml", """
        port: 4444
        channels:
          - pattern: "room:*"
            presence: true
            history:
              size: 50
        """);
    HubConfig loaded = load(Map.of(), "--open", "--config", config);
    assertThat(List.of(
            loaded.node().port(),
            loaded.channelOptions("room:1").presence(),
            loaded.channelOptions("room:1").historySize()))
        .containsExactly(4444, true, 50);
  }

  @Test
  void protocolExampleFileLoads() throws IOException {
    HubConfig loaded = load(Map.of(), "--open", "--config", file("example.json", PROTOCOL_EXAMPLE));
    assertThat(List.of(loaded.channelOptions("room:42"), loaded.channelOptions("tasks")))
        .containsExactly(
            new ChannelOptions("room:*", 100, Duration.ofMinutes(10), true, true, true),
            new ChannelOptions("tasks", 1000, Duration.ofHours(1), false, false, true));
  }

  @Test
  void protocolExampleRoomChannelHasPresenceAndHistoryOf100() throws IOException {
    HubConfig loaded = load(Map.of(), "--open", "--config", file("example.json", PROTOCOL_EXAMPLE));
    ChannelOptions room = loaded.channelOptions("room:42");
    assertThat(List.of(room.presence(), room.historySize())).containsExactly(true, 100);
  }

  @Test
  void protocolExampleLimitsAndHeartbeatAreRead() throws IOException {
    HubConfig loaded = load(Map.of(), "--open", "--config", file("example.json", PROTOCOL_EXAMPLE));
    assertThat(List.of(loaded.limits(), loaded.node().heartbeatMs()))
        .containsExactly(new LimitsConfig(65_536, 100, 200, 256, 1_048_576, 100_000), 30_000L);
  }

  @Test
  void channelNoPatternMatchesHasNoOptions() throws IOException {
    HubConfig loaded = load(Map.of(), "--open", "--config", file("example.json", PROTOCOL_EXAMPLE));
    assertThat(loaded.channelOptions("lobby")).isNull();
  }

  // Refusals.

  @Test
  void unknownFlagIsRefused() {
    assertThatThrownBy(() -> CommandLine.parse(List.of("--open", "--prot", "80")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--prot");
  }

  @Test
  void portThatIsNotANumberIsRefusedClearly() {
    assertThatThrownBy(() -> load(Map.of(), "--open", "--port", "abc"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll("--port", "abc");
  }

  @Test
  void connectionLimitsAreReadFromTheFileAndRangeChecked() throws IOException {
    String config = file(
        "limits.json",
        "{\"limits\":{\"requestTimeoutMs\":2500,\"unauthenticatedPerIp\":4,\"unauthenticatedPerNode\":40}}");
    LimitsConfig limits = load(Map.of(), "--open", "--config", config).limits();
    assertThat(List.of(limits.requestTimeoutMs(), (long) limits.unauthenticatedPerIp(), (long)
            limits.unauthenticatedPerNode()))
        .containsExactly(2500L, 4L, 40L);
    String tooShort = file("short.json", "{\"limits\":{\"requestTimeoutMs\":50}}");
    assertThatThrownBy(() -> load(Map.of(), "--open", "--config", tooShort))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll("requestTimeoutMs", "50");
    String none = file("none.json", "{\"limits\":{\"unauthenticatedPerIp\":0}}");
    assertThatThrownBy(() -> load(Map.of(), "--open", "--config", none))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll("unauthenticatedPerIp", "0");
  }

  @Test
  void transportIsAutoUnlessNioIsAskedForAndNothingElseIsAccepted() {
    assertThat(List.of(
            load(Map.of(), "--open").node().transport(),
            load(Map.of("HUB_TRANSPORT", "NIO"), "--open").node().transport()))
        .containsExactly(NodeConfig.TRANSPORT_AUTO, NodeConfig.TRANSPORT_NIO);
    // Read the same whatever the JVM's locale: in Turkish, "NIO" lower-cases to "nıo".
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr"));
    try {
      assertThat(load(Map.of(), "--open", "--transport", "NIO").node().transport())
          .isEqualTo(NodeConfig.TRANSPORT_NIO);
    } finally {
      Locale.setDefault(before);
    }
    assertThatThrownBy(() -> load(Map.of(), "--open", "--transport", "io_uring"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll("transport", "io_uring");
  }

  @Test
  void portOutOfRangeIsRefused() {
    assertThatThrownBy(() -> load(Map.of(), "--open", "--port", "70000"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll("port", "70000");
  }

  @Test
  void openModeMustBeAskedFor() {
    assertThatThrownBy(() -> load(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--open");
  }

  @Test
  void openModeOnEveryInterfaceIsRefusedWithoutInsecure() {
    assertThatThrownBy(() -> load(Map.of(), "--open", "--host", "0.0.0.0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--insecure");
  }

  @Test
  void openModeOnEveryInterfaceIsAcceptedWithInsecure() {
    HubConfig loaded = load(Map.of(), "--open", "--host", "0.0.0.0", "--insecure");
    assertThat(loaded.node())
        .extracting(NodeConfig::host, NodeConfig::open, NodeConfig::insecure)
        .containsExactly("0.0.0.0", true, true);
  }

  @Test
  void openFalseFromFlagWinsOverEnvironment() {
    assertThatThrownBy(() -> load(Map.of("HUB_OPEN", "true"), "--open=false"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--open");
  }

  @Test
  void missingConfigFileIsRefused() {
    String missing = dir.resolve("nowhere.json").toString();
    assertThatThrownBy(() -> load(Map.of(), "--open", "--config", missing))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void flagWithoutItsValueIsRefused() {
    assertThatThrownBy(() -> CommandLine.parse(List.of("--open", "--port")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--port");
  }
}
