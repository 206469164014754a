package dev.hub.contract;

import static dev.hub.contract.Frames.frame;
import static dev.hub.contract.Frames.ofType;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients of a contract case, each on node {@code k % size}, and the fence that lets a case
 * count what reached them without sleeping: a broadcast from a client on every node, awaited by
 * every client of the case. Events from one node reach each node in the order they were sent, so
 * once a node's fence has arrived, so has everything that node published before it.
 */
final class Clients implements AutoCloseable {
  private final Nodes nodes;
  private final List<HubTestClient> fenceSenders = new ArrayList<>();
  private final List<HubTestClient> ofTheCase = new ArrayList<>();
  private int fences;

  Clients(Nodes nodes) {
    this.nodes = nodes;
    for (int node = 0; node < nodes.size(); node++) {
      fenceSenders.add(nodes.connect(node, "fence-" + node));
    }
  }

  /** A client on node {@code k % size}, closed by {@link #closeCaseClients()}. */
  HubTestClient connect(int k, String user) {
    HubTestClient client = nodes.connect(k % nodes.size(), user);
    ofTheCase.add(client);
    return client;
  }

  /**
   * Broadcasts a fence from every node and returns once every open client of the case holds all of
   * them. Call it after the events under test were acknowledged (so published).
   */
  void fence() {
    int n = ++fences;
    for (HubTestClient sender : fenceSenders) {
      sender.request(
          frame("broadcast", "fence-" + n)
              .put("event", new JsonObject().put("type", "fence").put("n", n)),
          DeliveryContract.WAIT);
    }
    for (HubTestClient client : ofTheCase) {
      if (!client.isClosed()) {
        client.awaitReceived(
            frame -> ofType("fence").test(frame) && frame.getInteger("n") == n,
            fenceSenders.size());
      }
    }
  }

  /** Closes the clients of the case that ends. */
  void closeCaseClients() {
    ofTheCase.forEach(HubTestClient::close);
    ofTheCase.clear();
  }

  @Override
  public void close() {
    closeCaseClients();
    fenceSenders.forEach(HubTestClient::close);
  }
}
