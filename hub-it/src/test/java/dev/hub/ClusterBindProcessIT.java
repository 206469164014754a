package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.NodeHttp;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node started from the jar with the default cluster host listens on loopback only: its HTTP
 * port, its Hazelcast member and its event bus. Hazelcast open source lets any process that
 * reaches the member port join with full rights, so a member on the wildcard address is an open
 * door on every interface of the machine.
 */
class ClusterBindProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private HubProcesses hubs;

  @Test
  void everyPortOfANodeIsBoundToItsLoopbackClusterHost() throws Exception {
    hubs = new HubProcesses("ClusterBindProcessIT", 1, WAIT);
    HubProcesses.Node node = hubs.start(0);
    int hazelcastPort = hubs.clusterPort(0);
    int busPort = eventBusPort(node.port());

    List<InetSocketAddress> listening = ListeningSockets.of(node.process().pid());
    assertThat(listening)
        .extracting(InetSocketAddress::getPort)
        .as("ports node p1 listens on: %s", listening)
        .contains(node.port(), hazelcastPort, busPort);
    assertThat(listening)
        .as(
            "addresses node p1 listens on (HTTP %d, Hazelcast %d, event bus %d)",
            node.port(), hazelcastPort, busPort)
        .allSatisfy(
            address -> assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
  }

  /** The event-bus port the node advertises, from {@code /api/stats} (open mode needs no token). */
  private static int eventBusPort(int httpPort) {
    JsonObject stats = new JsonObject(NodeHttp.get(httpPort, "/api/stats").body());
    String address = stats.getJsonArray("nodes").getJsonObject(0).getString("eventBus");
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (hubs != null) {
      hubs.close();
    }
  }
}
