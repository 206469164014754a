package dev.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Hazelcast file a node may run with parses, keeps the maps Vert.x needs with a backup, has
 * multicast off and joins the way its comment says.
 */
class ClusterConfigFilesTest {
  private static final Path DIRECTORY = Path.of("src", "main", "resources", "hub-cluster");
  private static final String SERVICE_DNS = "hub-cluster.default.svc.cluster.local";
  /**
   * Hazelcast logs through java.util.logging here (no SLF4J binding in this module); its INFO line
   * per parsed file is noise. Held in a field: JUL keeps its loggers only weakly.
   */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  static {
    HAZELCAST_LOG.setLevel(Level.WARNING);
  }

  /** Every XML file of the directory, so a file added later is tested without touching this class. */
  static Stream<String> files() throws IOException {
    try (Stream<Path> paths = Files.list(DIRECTORY)) {
      return paths
          .map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".xml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  private static Config parse(String file) {
    Properties properties = new Properties();
    properties.setProperty("HUB_K8S_SERVICE_DNS", SERVICE_DNS);
    return new ClasspathXmlConfig(
        ClusterConfigFilesTest.class.getClassLoader(), "hub-cluster/" + file, properties);
  }

  @Test
  void theThreeKnownFilesAreThere() throws IOException {
    assertThat(files()).contains("hosts.xml", "kubernetes.xml", "loopback.xml");
  }

  @ParameterizedTest
  @MethodSource("files")
  void multicastIsOff(String file) {
    assertThat(parse(file).getNetworkConfig().getJoin().getMulticastConfig().isEnabled())
        .isFalse();
  }

  @ParameterizedTest
  @MethodSource("files")
  void vertxSubscriptionsAreAMultimapWithABackup(String file) {
    MultiMapConfig subs = parse(file).getMultiMapConfigs().get("__vertx.subs");
    assertThat(subs == null ? -1 : subs.getBackupCount())
        .as("backup count of multimap __vertx.subs in %s (-1: no such multimap)", file)
        .isGreaterThanOrEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("files")
  void vertxMapsHaveABackup(String file) {
    Config config = parse(file);
    List<Integer> backups = Stream.of("__vertx.haInfo", "__vertx.nodeInfo")
        .map(name -> config.getMapConfigs().get(name))
        .map(map -> map == null ? -1 : map.getBackupCount())
        .toList();
    assertThat(backups)
        .as("backup counts of __vertx.haInfo, __vertx.nodeInfo in %s (-1: no such map)", file)
        .allSatisfy(count -> assertThat(count).isGreaterThanOrEqualTo(1));
  }

  @ParameterizedTest
  @MethodSource("files")
  void joinIsAsExpected(String file) {
    JoinConfig join = parse(file).getNetworkConfig().getJoin();
    boolean kubernetes = file.equals("kubernetes.xml");
    assertThat(List.of(
            join.getTcpIpConfig().isEnabled(),
            join.getKubernetesConfig().isEnabled(),
            join.getAutoDetectionConfig().isEnabled()))
        .as("tcp-ip, kubernetes, auto-detection in %s", file)
        .containsExactly(!kubernetes, kubernetes, false);
  }

  /**
   * Hazelcast listens on every interface by default, and any process that reaches the port joins:
   * a file used without the hub (which forces this too) must still bind one address.
   */
  @ParameterizedTest
  @MethodSource("files")
  void memberListensOnItsOwnAddressOnly(String file) {
    assertThat(parse(file).getProperty("hazelcast.socket.bind.any"))
        .as("hazelcast.socket.bind.any in %s (null: Hazelcast's default, true)", file)
        .isEqualTo("false");
  }

  /**
   * Hazelcast's own metrics (for Management Center and JMX) are collected every 5 s on every
   * member whether anyone reads them or not; the hub reads none of them and its /metrics does not
   * show them. The collection was the largest part of Hazelcast's CPU on an idle node
   * (docs/benchmarks.md, light load).
   */
  @ParameterizedTest
  @MethodSource("files")
  void hazelcastMetricsAreNotCollected(String file) {
    assertThat(parse(file).getMetricsConfig().isEnabled())
        .as("metrics enabled in %s (Hazelcast's default: true)", file)
        .isFalse();
  }

  @Test
  void kubernetesFileTakesTheServiceDnsFromTheVariable() {
    JoinConfig join = parse("kubernetes.xml").getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo(SERVICE_DNS);
  }

  @Test
  void loopbackFileJoinsOnLoopback() {
    JoinConfig join = parse("loopback.xml").getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
  }

  @Test
  void loopbackFileBindsOnlyToLoopback() {
    Config config = parse("loopback.xml");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("127.0.0.1");
  }
}
