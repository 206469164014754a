package dev.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ClusterConfig;
import dev.hub.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** What a node says at start about who can reach its cluster ports, by cluster host and TLS. */
class ClusterExposureTest {
  private static final int HAZELCAST = 5701;
  private static final int BUS = 5702;

  private static Optional<ClusterExposure.Notice> notice(String host, boolean tls) {
    JsonObject cluster = new JsonObject().put("host", host);
    if (tls) {
      cluster.put(
          "tls",
          new JsonObject().put("cert", "node.pem").put("key", "node.key").put("ca", "ca.pem"));
    }
    ClusterConfig config = ConfigReader.read(
            new JsonObject().put("open", true).put("cluster", cluster))
        .cluster();
    return ClusterExposure.notice(config, HAZELCAST, BUS);
  }

  @Test
  void loopbackIsReachedFromThisMachineOnlyAndSaysNothing() {
    assertThat(notice("127.0.0.1", false)).isEmpty();
    assertThat(notice("127.0.0.2", false)).isEmpty();
    assertThat(notice("localhost", false)).isEmpty();
    assertThat(notice("::1", false)).isEmpty();
  }

  @Test
  void aReachableClusterHostWithoutTlsWarnsWhatIsExposed() {
    for (String host : new String[] {"10.0.0.5", "0.0.0.0"}) {
      ClusterExposure.Notice notice = notice(host, false).orElseThrow();
      assertThat(notice.level()).as(host).isEqualTo(Level.WARN);
      assertThat(notice.text())
          .contains(host)
          .contains("event bus (port " + BUS + ")")
          .contains("every event")
          .contains("Hazelcast member (port " + HAZELCAST + ")")
          .contains("history, presence")
          .contains("any process that reaches it")
          .contains("--cluster-tls-cert");
    }
  }

  @Test
  void withClusterTlsOnlyTheHazelcastPortIsLeftToTheNetwork() {
    ClusterExposure.Notice notice = notice("10.0.0.5", true).orElseThrow();
    assertThat(notice.level()).isEqualTo(Level.INFO);
    assertThat(notice.text())
        .contains("mutual TLS")
        .contains("Hazelcast member (port " + HAZELCAST + ")")
        .contains("private network")
        .doesNotContain("--cluster-tls-cert");
  }
}
