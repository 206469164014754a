package dev.hub.contract;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The delivery contract on one node on a plain Vert.x: not clustered, so it keeps history and
 * presence in its own memory (the node tier).
 */
class OneNodeDeliveryTest extends DeliveryContract {

  @Override
  Nodes start(UnaryOperator<JsonObject> settings) throws Exception {
    return new OneNode(settings);
  }

  private static final class OneNode implements Nodes {
    private static final long WAIT_MS = HubCluster.TIMEOUT.toMillis();

    private final Vertx nodeVertx = Vertx.vertx();
    private final Vertx clientVertx = Vertx.vertx();
    private final HubNode node;

    OneNode(UnaryOperator<JsonObject> settings) throws Exception {
      JsonObject config = settings.apply(new JsonObject()
          .put("open", true)
          .put("host", "127.0.0.1")
          .put("port", 0)
          .put("eventLoops", 2)
          .put("nodeId", "node-1"));
      try {
        node = HubNode.deploy(nodeVertx, ConfigReader.read(config))
            .await(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        close();
        throw e;
      }
    }

    @Override
    public int size() {
      return 1;
    }

    @Override
    public int port(int index) {
      return node.port();
    }

    @Override
    public HubTestClient connect(int index, String user) {
      return HubTestClient.connect(
          clientVertx, node.port(), "/ws?user=" + user, HubCluster.TIMEOUT);
    }

    @Override
    public Vertx service() {
      return nodeVertx;
    }

    @Override
    public void close() {
      try {
        clientVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
        nodeVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError("the node did not stop", e);
      }
    }
  }
}
