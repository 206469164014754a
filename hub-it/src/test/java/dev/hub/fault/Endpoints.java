package dev.hub.fault;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Where each node of a test cluster takes clients now, by node index. A node restarted on port 0
 * comes back on another port: the test sets it here, and clients and publishers that look it up
 * at each attempt follow.
 */
final class Endpoints {
  /** A node's client address: WebSocket and HTTP. */
  record Endpoint(String host, int port) {
    URI http(String pathAndQuery) {
      return URI.create("http://" + host + ":" + port + pathAndQuery);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final AtomicReferenceArray<Endpoint> nodes;

  Endpoints(int size) {
    this.nodes = new AtomicReferenceArray<>(size);
  }

  Endpoint get(int index) {
    return nodes.get(index);
  }

  void set(int index, Endpoint endpoint) {
    nodes.set(index, endpoint);
  }

  int size() {
    return nodes.length();
  }
}
