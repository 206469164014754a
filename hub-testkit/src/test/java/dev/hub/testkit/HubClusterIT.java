package dev.hub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The kit's members run the configuration users run: every member it starts, hub node or not, is
 * built from {@code cluster-config}'s {@code loopback.xml} with only the overrides a test needs
 * (cluster name, address, ports, member list, lite member).
 */
class HubClusterIT {
  private static final Config LOOPBACK = new ClasspathXmlConfig("hub-cluster/loopback.xml");

  @Test
  void serviceAndDataMembersRunTheLoopbackFileAsTheNodesDo() {
    try (HubCluster cluster = HubCluster.start(1)) {
      Config node = HubCluster.hazelcast(cluster.node(0)).getConfig();
      Config service = HubCluster.hazelcast(cluster.startService()).getConfig();
      Config data = cluster.startDataMember().getConfig();

      for (Config member : List.of(node, service, data)) {
        assertThat(fileProperties(member))
            .as("the file's properties")
            .isEqualTo(fileProperties(LOOPBACK));
        assertThat(member.getClusterName()).isEqualTo(cluster.clusterName());
        assertThat(
                member.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds())
            .as("tcp-ip join connection timeout")
            .isEqualTo(LOOPBACK
                .getNetworkConfig()
                .getJoin()
                .getTcpIpConfig()
                .getConnectionTimeoutSeconds());
        assertThat(member.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
            .isEqualTo(node.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
        assertThat(member.getMultiMapConfig("__vertx.subs").getValueCollectionType())
            .isEqualTo(LOOPBACK.getMultiMapConfig("__vertx.subs").getValueCollectionType());
        assertThat(member.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
      }
      assertThat(List.of(node.isLiteMember(), service.isLiteMember(), data.isLiteMember()))
          .containsExactly(false, true, false);
    }
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
