package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.internals.VertxInternals;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node whose copy of the cluster's {@code hub.fanout} registrations misses another node's is
 * healed by the others. vertx-hazelcast 5.0 keeps, per member, a copy of an address's
 * registrations, refreshed from the cluster's map whenever they change; a refresh that reads the
 * map before a new node's registrations are visible leaves the copy without them, and everything
 * that member publishes misses that node until the registrations change again. A rolling restart
 * hit it: a restarted node never became ready, because one member never relayed its probe. Here
 * such a refresh is played on node 1 the way the cluster manager hands it to the event bus.
 */
class StaleRegistrationsIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(2);

  @Test
  void aNodeThatLostTheFanoutRegistrationsDeliversAgainWithinSeconds() throws Exception {
    HubCluster cluster = hub.cluster();
    HubTestClient subscriber = cluster.connect(1, "reader");
    subscriber.request(frame("subscribe", "s").put("channel", "room:stale"), WAIT);
    HubTestClient publisher = cluster.connect(0, "writer");
    publish(publisher, "before");
    assertThat(subscriber.awaitType("before", WAIT).getString("channel")).isEqualTo("room:stale");

    ClusterManager manager = VertxInternals.clusterManager(cluster.node(0).vertx());
    String other = VertxInternals.clusterManager(cluster.node(1).vertx()).getNodeId();
    Promise<List<RegistrationInfo>> all = Promise.promise();
    manager.getRegistrations("hub.fanout", all);
    List<RegistrationInfo> withoutNode2 = all.future().await(10, TimeUnit.SECONDS).stream()
        .filter(registration -> !registration.nodeId().equals(other))
        .toList();
    assertThat(withoutNode2).as("node 1's own fan-out consumers").isNotEmpty();
    registrationListenerOf(manager)
        .registrationsUpdated(new RegistrationUpdateEvent("hub.fanout", withoutNode2));

    AtomicInteger sent = new AtomicInteger();
    Awaitility.await("an event published on node 1 reaches a subscriber on node 2 again")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          String type = "after-" + sent.incrementAndGet();
          publish(publisher, type);
          try {
            subscriber.awaitType(type, Duration.ofMillis(500));
            return true;
          } catch (AssertionError notYet) {
            return false;
          }
        });
    assertThat(reannounced(cluster.node(1).port()))
        .as("hub_fanout_reannounced_total of node 2, the node that missed node 1's probes")
        .isGreaterThanOrEqualTo(1);
  }

  /** The node's {@code hub_fanout_reannounced_total}, read from its {@code /metrics}. */
  private static double reannounced(int port) throws Exception {
    HttpResponse<String> metrics = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return metrics
        .body()
        .lines()
        .filter(line -> line.startsWith("hub_fanout_reannounced_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void publish(HubTestClient publisher, String type) {
    JsonObject ack = publisher.request(
        frame("publish", "p-" + type)
            .put("channel", "room:stale")
            .put("event", new JsonObject().put("type", type)),
        WAIT);
    assertThat(ack.getString("type")).as("ack of %s: %s", type, ack).isEqualTo("ack");
  }

  /** The event bus's listener, which the cluster manager keeps in a private field. */
  private static RegistrationListener registrationListenerOf(ClusterManager manager)
      throws ReflectiveOperationException {
    Field field = manager.getClass().getDeclaredField("registrationListener");
    field.setAccessible(true);
    return (RegistrationListener) field.get(manager);
  }

  private static JsonObject frame(String type, String id) {
    return new JsonObject().put("type", type).put("id", id);
  }
}
