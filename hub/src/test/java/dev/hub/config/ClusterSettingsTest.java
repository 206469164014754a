package dev.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The event-bus port and cluster TLS: defaults, where they are read from, and partial TLS refused. */
class ClusterSettingsTest {

  private static ClusterConfig read(JsonObject cluster) {
    return ConfigReader.read(new JsonObject().put("open", true).put("cluster", cluster))
        .cluster();
  }

  @Test
  void byDefaultTheBusTakesAnyFreePortWithoutTls() {
    ClusterConfig cluster = read(new JsonObject());
    assertThat(cluster.busPort()).isZero();
    assertThat(cluster.tls().enabled()).isFalse();
  }

  @Test
  void busPortIsAPort() {
    assertThat(read(new JsonObject().put("busPort", 5702)).busPort()).isEqualTo(5702);
    assertThatThrownBy(() -> read(new JsonObject().put("busPort", 65536)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("busPort must be a whole number from 0 to 65535");
  }

  @Test
  void tlsFromTheFile() {
    ClusterTlsConfig tls = read(new JsonObject()
            .put(
                "tls",
                new JsonObject()
                    .put("cert", "node.pem")
                    .put("key", "node.key")
                    .put("ca", "ca.pem")))
        .tls();
    assertThat(tls.enabled()).isTrue();
    assertThat(List.of(tls.certFile(), tls.keyFile(), tls.caFile()))
        .containsExactly("node.pem", "node.key", "ca.pem");
  }

  @Test
  void aPartialTlsSetIsRefusedNamingWhatIsMissing() {
    assertThatThrownBy(() -> read(
            new JsonObject().put("tls", new JsonObject().put("cert", "node.pem").put("key", "k"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("or none")
        .hasMessageContaining("--cluster-tls-ca")
        .hasMessageNotContaining("--cluster-tls-key");
    assertThatThrownBy(() ->
            read(new JsonObject().put("tls", new JsonObject().put("ca", "ca.pem"))))
        .hasMessageContaining("--cluster-tls-cert")
        .hasMessageContaining("--cluster-tls-key");
  }

  @Test
  void flagsAndVariablesReachTheClusterSettings() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HubConfig config = ConfigLoader.load(
              vertx,
              CommandLine.parse(List.of(
                  "--open", "--cluster-bus-port", "5801", "--cluster-tls-cert", "flag.pem")),
              Map.of(
                  "HUB_CLUSTER_TLS_CERT",
                  "env.pem",
                  "HUB_CLUSTER_TLS_KEY",
                  "env.key",
                  "HUB_CLUSTER_TLS_CA",
                  "ca.pem"))
          .await(10, TimeUnit.SECONDS);
      ClusterConfig cluster = config.cluster();
      assertThat(cluster.busPort()).isEqualTo(5801);
      assertThat(List.of(
              cluster.tls().certFile(), cluster.tls().keyFile(), cluster.tls().caFile()))
          .containsExactly("flag.pem", "env.key", "ca.pem");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
