package dev.hub.testkit;

import dev.hub.node.HubNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain HTTP calls to a node's operational endpoints for tests, and the figures of its
 * {@code /metrics} text. Blocking: call from the test thread.
 */
public final class NodeHttp {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(HubCluster.TIMEOUT).build();

  private NodeHttp() {}

  /** {@code GET http://127.0.0.1:<port><path>}. */
  public static HttpResponse<String> get(int port, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(HubCluster.TIMEOUT)
        .GET()
        .build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public static HttpResponse<String> get(HubNode node, String path) {
    return get(node.port(), path);
  }

  /**
   * The value of one sample in Prometheus text, such as
   * {@code value(text, "hub_connections_closed_total{code=\"1012\"}")}; 0 when absent.
   */
  public static double value(String prometheusText, String sample) {
    Matcher line = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE)
        .matcher(prometheusText);
    return line.find() ? Double.parseDouble(line.group(1)) : 0;
  }

  /** One sample of the node's {@code GET /metrics}. */
  public static double metric(HubNode node, String sample) {
    return value(get(node, "/metrics").body(), sample);
  }
}
