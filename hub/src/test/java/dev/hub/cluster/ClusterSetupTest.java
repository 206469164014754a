package dev.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a node's flags make of its Hazelcast member and its event bus. */
class ClusterSetupTest {

  private static HubConfig config(JsonObject cluster) {
    return ConfigReader.read(new JsonObject().put("open", true).put("cluster", cluster));
  }

  @Test
  void theMemberBindsItsClusterHostOnlyNotEveryInterface() {
    Config hazelcast = ClusterSetup.hazelcastConfig(
        config(new JsonObject().put("host", "127.0.0.2")).cluster());
    assertThat(hazelcast.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.2");
    assertThat(hazelcast.getProperty(ClusterProperty.SOCKET_BIND_ANY.getName()))
        .as("hazelcast.socket.bind.any (null: Hazelcast's default, true)")
        .isEqualTo("false");
  }

  @Test
  void withoutTlsTheBusIsPlainOnTheClusterHostAndItsPort() {
    EventBusOptions bus = ClusterSetup.eventBusOptions(
        config(new JsonObject().put("host", "127.0.0.2").put("busPort", 5801)).cluster());
    assertThat(List.of(bus.getHost(), bus.getPort(), bus.isSsl()))
        .containsExactly("127.0.0.2", 5801, false);
  }

  @Test
  void clusterTlsIsMutualAndTrustsTheClusterCaOnly() {
    EventBusOptions bus = ClusterSetup.eventBusOptions(config(new JsonObject()
            .put(
                "tls",
                new JsonObject()
                    .put("cert", "node.pem")
                    .put("key", "node.key")
                    .put("ca", "ca.pem")))
        .cluster());
    assertThat(bus.isSsl()).isTrue();
    assertThat(bus.getClientAuth())
        .as("a node asks every peer that connects for its certificate")
        .isEqualTo(ClientAuth.REQUIRED);
    assertThat(bus.isTrustAll())
        .as("trustAll (Vert.x's event bus default: true) makes a node send events to any "
            + "server that speaks TLS")
        .isFalse();
    PemKeyCertOptions own = (PemKeyCertOptions) bus.getKeyCertOptions();
    assertThat(List.of(own.getCertPaths(), own.getKeyPaths()))
        .containsExactly(List.of("node.pem"), List.of("node.key"));
    assertThat(((PemTrustOptions) bus.getTrustOptions()).getCertPaths()).containsExactly("ca.pem");
  }
}
