package dev.hub.contract;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.Vertx;

/**
 * The hub nodes a {@link DeliveryContract} runs against: one node on a plain Vert.x, or a cluster.
 * Clients connect to a node by its index; everything started here stops on {@link #close()}.
 */
interface Nodes extends AutoCloseable {

  /** How many nodes there are. */
  int size();

  /** The HTTP and WebSocket port of the node at this index (0-based). */
  int port(int node);

  /** Connects a WebSocket client to a node in open mode, as {@code user}, and waits for {@code connected}. */
  HubTestClient connect(int node, String user);

  /**
   * A Vert.x on the nodes' event bus where a JVM service publishes and serves {@code rpc}: the
   * node's own on one node, a clustered member that is no hub node on a cluster. The same one on
   * every call.
   */
  Vertx service();

  @Override
  void close();
}
