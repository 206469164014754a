package dev.hub.contract;

import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.UnaryOperator;

/**
 * The delivery contract on three clustered nodes in this JVM, each a real Hazelcast member on
 * 127.0.0.1 (the test kit's {@link HubCluster}), with clients spread over every node and a JVM
 * service as a fourth member that is no hub node.
 */
class ThreeNodeDeliveryIT extends DeliveryContract {

  @Override
  Nodes start(UnaryOperator<JsonObject> settings) {
    return new Cluster(HubCluster.start(3, settings));
  }

  private static final class Cluster implements Nodes {
    private final HubCluster cluster;
    private Vertx service;

    Cluster(HubCluster cluster) {
      this.cluster = cluster;
    }

    @Override
    public int size() {
      return cluster.nodes().size();
    }

    @Override
    public int port(int node) {
      return cluster.node(node).port();
    }

    @Override
    public HubTestClient connect(int node, String user) {
      return cluster.connect(node, user);
    }

    @Override
    public synchronized Vertx service() {
      if (service == null) {
        service = cluster.startService();
      }
      return service;
    }

    @Override
    public void close() {
      cluster.close();
    }
  }
}
