package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a node's flags make of its Hazelcast member and its event bus. */
class ClusterSetupTest {

  private static HubConfig config(JsonObject cluster) {
    return ConfigReader.read(new JsonObject().put("open", true).put("cluster", cluster));
  }

  @Test
  void theMemberBindsItsClusterHostOnlyNotEveryInterface() {
    Config hazelcast = ClusterSetup.hazelcastConfig(config(new JsonObject().put("host", "127.0.0.2")).cluster());
    assertThat(hazelcast.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.2");
    assertThat(hazelcast.getProperty(ClusterProperty.SOCKET_BIND_ANY.getName()))
        .as("hazelcast.socket.bind.any (null: Hazelcast's default, true)").isEqualTo("false");
  }
}
