package dev.hub.node;

import dev.hub.api.OperationsApi;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A node's gateways, one per event loop: deploys them, and answers for all of them. */
final class Gateways {
  private final Vertx vertx;
  private final List<GatewayVerticle> deployed = new CopyOnWriteArrayList<>();

  Gateways(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Deploys {@code instances} gateways, which share one server socket on {@code configuredPort};
   * completes with the deployment's id.
   */
  Future<String> deploy(
      GatewayServices services, OperationsApi operations, int instances, int configuredPort) {
    // Servers on port 0 are not shared between instances; a negative port means "one random port,
    // shared by every server that asks for this same negative number".
    int port = configuredPort == 0 ? -1 : configuredPort;
    return vertx.deployVerticle(
        () -> {
          GatewayVerticle gateway = new GatewayVerticle(services, operations, port);
          deployed.add(gateway);
          return gateway;
        },
        new DeploymentOptions().setInstances(instances));
  }

  boolean isListening() {
    return !deployed.isEmpty();
  }

  /** The port the gateways share. */
  int port() {
    return deployed.get(0).actualPort();
  }

  /** Sends every client of the node {@code reconnect} and close 1012, each on its event loop. */
  void reconnectClients() {
    deployed.forEach(GatewayVerticle::reconnectClients);
  }

  /** Channels with at least one subscriber on this node (a channel on two event loops counts twice). */
  Future<Integer> localChannels() {
    return Future.all(deployed.stream().map(GatewayVerticle::channelCount).toList())
        .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum());
  }
}
