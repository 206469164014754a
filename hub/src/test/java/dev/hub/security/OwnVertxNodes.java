package dev.hub.security;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Nodes for the attack tests, each on a Vert.x of its own, port 0 and one event loop, from a
 * configuration object as a file would give it; {@link #close()} closes every one.
 */
final class OwnVertxNodes implements AutoCloseable {
  private final List<Vertx> vertices = new ArrayList<>();

  HubNode start(JsonObject config) throws Exception {
    Vertx vertx = Vertx.vertx();
    vertices.add(vertx);
    return HubNode.deploy(vertx, ConfigReader.read(config.put("port", 0).put("eventLoops", 1)))
        .await(30, TimeUnit.SECONDS);
  }

  /** The Vert.x of the first node started, for clients. */
  Vertx first() {
    return vertices.get(0);
  }

  @Override
  public void close() throws Exception {
    for (Vertx vertx : vertices) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
