package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: requests with made-up methods and paths, each a new label value if a meter labels what
 * the client sent, so that {@code /metrics} (and the node's memory) grows with every request. A node
 * made by {@link HubNode#start} (the one that records Vert.x's own HTTP server meters, as
 * {@code hub.jar} does) shows no more series after 100 of each than before, bar a small constant.
 */
class MetricsCardinalityTest {
  /** Room for the label values a bounded set adds once ({@code method="other"}, codes 404/405/501) and JVM meters. */
  private static final int SLACK = 60;

  private HubNode node;

  @BeforeEach
  void start() throws Exception {
    int clusterPort = FreePorts.one();
    node = HubNode.start(ConfigReader.read(new JsonObject()
            .put("open", true)
            .put("port", 0)
            .put("eventLoops", 1)
            .put(
                "cluster",
                new JsonObject()
                    .put("name", "metrics-" + UUID.randomUUID())
                    .put("host", "127.0.0.1")
                    .put("port", clusterPort)
                    .put("members", new JsonArray().add("127.0.0.1:" + clusterPort)))))
        .await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.stop().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void inventedMethodsAndPathsAddNoSeries() throws Exception {
    // One of each kind first, so the bounded label values they bring are in the baseline.
    send("GET", "/warm-up");
    send("WARMUP", "/");
    assertThat(metrics())
        .as("Vert.x's HTTP server meters are recorded")
        .contains("vertx_http_server_requests_total");
    int before = seriesCount();
    int idsBefore = preFilterIds();

    for (int i = 0; i < 100; i++) {
      send("M" + i, "/");
      send("GET", "/p" + i + "/" + UUID.randomUUID());
    }

    assertThat(seriesCount())
        .as("series after 100 invented methods and 100 paths")
        .isLessThanOrEqualTo(before + SLACK);
    assertThat(metrics()).doesNotContain("method=\"M1\"").doesNotContain("/p1/");
    assertThat(preFilterIds())
        .as("ids Micrometer keeps to find a meter again")
        .isLessThanOrEqualTo(idsBefore + SLACK);
  }

  /** One request on a connection of its own, read to the end. */
  private void send(String method, String path) throws IOException {
    RawHttp.Response response = RawHttp.exchange(
        node.port(), RawHttp.head(method, path, node.port(), "Connection: close"), new byte[0]);
    assertThat(response.status()).as("%s %s", method, path).isBetween(400, 599);
  }

  private String metrics() throws IOException {
    RawHttp.Response response =
        RawHttp.exchange(node.port(), RawHttp.head("GET", "/metrics", node.port()), new byte[0]);
    assertThat(response.status()).isEqualTo(200);
    return response.body();
  }

  /**
   * Micrometer remembers the id a meter was asked for under (before filters) to find it again;
   * were it one per invented method, memory would grow though the series do not. Private state,
   * read here because that growth shows nowhere else.
   */
  private int preFilterIds() throws ReflectiveOperationException {
    Field ids = MeterRegistry.class.getDeclaredField("preFilterIdToMeterMap");
    ids.setAccessible(true);
    return ((Map<?, ?>) ids.get(node.meters())).size();
  }

  private int seriesCount() throws IOException {
    List<String> series = metrics()
        .lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .toList();
    return series.size();
  }
}
