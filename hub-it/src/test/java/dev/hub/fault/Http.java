package dev.hub.fault;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Blocking HTTP calls to a node's API (open mode: no token), for the test thread. HTTP/1.1 only:
 * the JDK client would otherwise offer every plain request an h2c upgrade.
 */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Http() {}

  static HttpResponse<String> get(Endpoints.Endpoint node, String path)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(node.http(path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a 200 answer as JSON; an AssertionError with the status and body otherwise. */
  static JsonObject getJson(Endpoints.Endpoint node, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> response = get(node, path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + node.http(path) + ": " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body());
  }

  /**
   * Whether the node shows it is cut off from part of a cluster of {@code size}: it sees fewer
   * members, or it reports not ready (docs/protocol.md section 10: a node without a majority does).
   */
  static boolean seesSplit(Endpoints.Endpoint node, int size) {
    int members = members(node);
    if (members > 0 && members < size) {
      return true;
    }
    try {
      return get(node, "/ready").statusCode() == 503;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** How many cluster members the node sees ({@code GET /api/stats}), or -1 when it does not answer. */
  static int members(Endpoints.Endpoint node) {
    try {
      return getJson(node, "/api/stats").getInteger("members", -1);
    } catch (IOException | RuntimeException | AssertionError e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
