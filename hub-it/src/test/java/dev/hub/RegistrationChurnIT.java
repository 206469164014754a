package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.multimap.MultiMap;
import dev.hub.internals.VertxInternals;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Subscribe and unsubscribe churn, and connections coming and going, leave no event-bus
 * registration behind: the cluster's own subscription map ({@code __vertx.subs}) holds exactly the
 * per-node registrations it held before, during the churn and after it, and no node keeps a
 * channel without subscribers.
 */
class RegistrationChurnIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final int CLIENTS_PER_NODE = 10;
  private static final int CHANNELS_PER_CLIENT = 30;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(2);

  @Test
  void churnLeavesTheClusterRegistrationsAsTheyWere() throws Exception {
    HubCluster cluster = hub.cluster();
    Map<String, Integer> before = registrations(cluster);
    // One fan-out consumer per event loop (2 per node here), one hub.publish consumer per node, and
    // each node's own addresses: its stats, which channels have subscribers on it, and the probe
    // it relays for a node that is starting.
    Map<String, Integer> expected = new HashMap<>(Map.of("hub.fanout", 4, "hub.publish", 2));
    for (HubNode node : cluster.nodes()) {
      String member = VertxInternals.clusterManager(node.vertx()).getNodeId();
      expected.put("hub.stats." + member, 1);
      expected.put("hub.channels." + member, 1);
      expected.put("hub.probe." + member, 1);
    }
    assertThat(before).isEqualTo(expected);

    List<HubTestClient> clients = new ArrayList<>();
    for (int node = 0; node < 2; node++) {
      for (int i = 0; i < CLIENTS_PER_NODE; i++) {
        HubTestClient client = cluster.connect(node, "user-" + node + "-" + i);
        clients.add(client);
        for (int c = 0; c < CHANNELS_PER_CLIENT; c++) {
          client.request(frame("subscribe", "s" + c).put("channel", "room:" + i + ":" + c), WAIT);
        }
      }
    }
    assertThat(cluster.node(0).localChannels().await(10, TimeUnit.SECONDS)).isPositive();
    assertThat(registrations(cluster)).as("while subscribed").isEqualTo(before);

    for (HubTestClient client : clients.subList(0, clients.size() / 2)) {
      for (int c = 0; c < CHANNELS_PER_CLIENT; c++) {
        assertThat(client
                .request(
                    frame("unsubscribe", "u" + c).put("channel", channelOf(client, clients, c)),
                    WAIT)
                .getString("type"))
            .isEqualTo("unsubscribed");
      }
    }
    // The other half disconnect while still subscribed.
    clients.forEach(HubTestClient::close);
    for (int node = 0; node < 2; node++) {
      awaitNoLocalChannels(cluster, node);
    }
    assertThat(registrations(cluster)).as("after the churn").isEqualTo(before);

    HubTestClient subscriber = cluster.connect(1, "late");
    subscriber.request(frame("subscribe", "s").put("channel", "room:0:0"), WAIT);
    cluster
        .connect(0, "publisher")
        .request(
            frame("publish", "p")
                .put("channel", "room:0:0")
                .put("event", new JsonObject().put("type", "after-churn")),
            WAIT);
    assertThat(subscriber.awaitType("after-churn", WAIT).getString("channel"))
        .isEqualTo("room:0:0");
  }

  private static String channelOf(HubTestClient client, List<HubTestClient> clients, int c) {
    int i = clients.indexOf(client) % CLIENTS_PER_NODE;
    return "room:" + i + ":" + c;
  }

  /** Address → number of registrations, as every member of the cluster sees it. */
  private static Map<String, Integer> registrations(HubCluster cluster) {
    MultiMap<String, Object> subs =
        HubCluster.hazelcast(cluster.node(0)).getMultiMap("__vertx.subs");
    Map<String, Integer> counts = new TreeMap<>();
    for (String address : subs.keySet()) {
      counts.put(address, subs.valueCount(address));
    }
    return counts;
  }

  private static void awaitNoLocalChannels(HubCluster cluster, int node) {
    Awaitility.await("node " + (node + 1) + " forgets channels without subscribers")
        .atMost(WAIT)
        .until(() -> cluster.node(node).localChannels().await(10, TimeUnit.SECONDS) == 0);
  }

  private static JsonObject frame(String type, String id) {
    return new JsonObject().put("type", type).put("id", id);
  }
}
