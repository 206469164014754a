package dev.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The benchmark measures the cluster users run: its members are built from {@code cluster-config}'s
 * {@code loopback.xml}, with only its own cluster name, ports and member list, and Hazelcast's log
 * off (it would only be noise in the report).
 */
class BenchClusterTest {
  private static final Config LOOPBACK = new ClasspathXmlConfig("hub-cluster/loopback.xml");

  @Test
  void membersRunTheLoopbackFileWithTheirOwnNamePortsAndMembers() {
    Config member =
        BenchCluster.hazelcastConfig("hub-bench-test", 15701, List.of(15701, 15702, 15703));

    Map<String, String> expected = fileProperties(LOOPBACK);
    expected.put("hazelcast.logging.type", "none");
    assertThat(fileProperties(member)).as("the file's properties").isEqualTo(expected);
    assertThat(member.getClusterName()).isEqualTo("hub-bench-test");
    assertThat(member.getNetworkConfig().getPort()).isEqualTo(15701);
    assertThat(member.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1:15701", "127.0.0.1:15702", "127.0.0.1:15703");
    assertThat(member.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds())
        .isEqualTo(
            LOOPBACK.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds());
    assertThat(member.getMultiMapConfig("__vertx.subs").getValueCollectionType())
        .isEqualTo(LOOPBACK.getMultiMapConfig("__vertx.subs").getValueCollectionType());
  }

  /** The member's values of the properties the file sets. */
  private static Map<String, String> fileProperties(Config member) {
    Map<String, String> values = new TreeMap<>();
    LOOPBACK
        .getProperties()
        .stringPropertyNames()
        .forEach(name -> values.put(name, member.getProperty(name)));
    return values;
  }
}
