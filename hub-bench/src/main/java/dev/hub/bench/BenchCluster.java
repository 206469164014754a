package dev.hub.bench;

import com.hazelcast.config.Config;
import dev.hub.cluster.ClusterSetup;
import dev.hub.config.ConfigReader;
import dev.hub.internals.VertxInternals;
import dev.hub.testkit.FreePorts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three clustered Vert.x instances in this JVM, each with a Hazelcast member of its own, all on
 * 127.0.0.1 under a cluster name nobody else uses. Node 0 is "A" (the publisher), 1 is "B", 2 is
 * "C".
 */
final class BenchCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BenchCluster.class);
  static final int SIZE = 3;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final List<Vertx> nodes = new ArrayList<>();
  private final List<Context> contexts = new ArrayList<>();

  private BenchCluster() {}

  /** Starts the three nodes one after the other and waits until each sees the other two. */
  static BenchCluster start() throws Exception {
    String clusterName = "hub-bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> ports = FreePorts.of(SIZE);
    BenchCluster cluster = new BenchCluster();
    try {
      for (int port : ports) {
        cluster.add(startNode(hazelcastConfig(clusterName, port, ports)));
      }
      cluster.awaitMembers();
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  /** The node at this index: 0 = A, 1 = B, 2 = C. */
  Vertx node(int index) {
    return nodes.get(index);
  }

  /**
   * One event-loop context per node, made once: every consumer and timer of a node in the
   * benchmark runs there, as a hub verticle's would, instead of on a fresh context per call from
   * the main thread.
   */
  Context context(int index) {
    return contexts.get(index);
  }

  private void add(Vertx node) {
    nodes.add(node);
    contexts.add(node.getOrCreateContext());
  }

  private static Vertx startNode(Config config) throws Exception {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered()
        .await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A member as a hub node's is built, from {@code cluster-config}'s {@code loopback.xml}, so the
   * benchmark measures the cluster users run; only the name, port and member list are its own.
   */
  static Config hazelcastConfig(String clusterName, int port, List<Integer> memberPorts) {
    JsonArray members = new JsonArray();
    memberPorts.forEach(memberPort -> members.add("127.0.0.1:" + memberPort));
    JsonObject settings = new JsonObject()
        .put("open", true)
        .put(
            "cluster",
            new JsonObject()
                .put("name", clusterName)
                .put("host", "127.0.0.1")
                .put("port", port)
                .put("members", members));
    Config config = ClusterSetup.hazelcastConfig(ConfigReader.read(settings).cluster());
    // Hazelcast's own log lines would only be noise in the report.
    config.setProperty("hazelcast.logging.type", "none");
    return config;
  }

  private void awaitMembers() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!nodes.stream().allMatch(node -> memberCount(node) == SIZE)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the nodes did not form one cluster of " + SIZE);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static int memberCount(Vertx node) {
    HazelcastClusterManager manager = (HazelcastClusterManager) VertxInternals.clusterManager(node);
    return manager.getHazelcastInstance().getCluster().getMembers().size();
  }

  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    nodes.forEach(node -> closing.add(node.close()));
    try {
      Future.join(closing).await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("closing the nodes: {}", e.toString());
    }
  }
}
