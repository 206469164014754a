package dev.hub.security;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real secured node on a Vert.x of its own, port 0, for the attack tests: what {@code /api/stats}
 * and a WebSocket upgrade answer to a token. {@link #close()} closes the Vert.x and everything on it.
 */
final class SecuredNode implements AutoCloseable {
  private final Vertx vertx;
  private final HubNode node;

  private SecuredNode(Vertx vertx, HubNode node) {
    this.vertx = vertx;
    this.node = node;
  }

  /** Starts a node whose {@code jwt} section is {@code jwt}; throws what its start failed with. */
  static SecuredNode start(JsonObject jwt) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = new JsonObject().put("port", 0).put("eventLoops", 1).put("jwt", jwt);
      return new SecuredNode(
          vertx, HubNode.deploy(vertx, ConfigReader.read(config)).await(30, TimeUnit.SECONDS));
    } catch (Exception | Error e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The HTTP status of {@code GET /api/stats} with this bearer token (admin only; 200 when let in). */
  int stats(String token) {
    HttpClient http = vertx.createHttpClient();
    try {
      return TestHttp.send(vertx, http, HttpMethod.GET, node.port(), "/api/stats", token, null)
          .status();
    } finally {
      http.close();
    }
  }

  /** What a WebSocket upgrade with {@code ?token=} gets: 101 when accepted, else the refusal. */
  TestHttp.Answer upgrade(String token) {
    return HubTestClient.upgrade(
        vertx, node.port(), "/ws?token=" + token, Map.of(), HubTestClient.WAIT);
  }

  @Override
  public void close() throws Exception {
    Future<Void> closed = vertx.close();
    closed.await(30, TimeUnit.SECONDS);
  }
}
