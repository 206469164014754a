package dev.hub.testkit;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.auth.TokenMinter;
import dev.hub.cluster.ClusterSetup;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.internals.HazelcastInternals;
import dev.hub.internals.VertxInternals;
import dev.hub.node.HubNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * N clustered hub nodes in this JVM, each a real Hazelcast member on 127.0.0.1 (TCP-IP join,
 * multicast off) with a cluster name of its own, on free ports; plus WebSocket clients and
 * non-hub cluster members for tests. Close it to stop everything it started.
 *
 * <pre>{@code
 * try (HubCluster cluster = HubCluster.start(3)) {
 *   HubTestClient alice = cluster.connect(0, "alice");
 *   ...
 * }
 * }</pre>
 */
public final class HubCluster implements AutoCloseable {
  /** How long a start, connect or expected frame may take before a test fails. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String clusterName;
  private final List<Integer> memberPorts;
  private final UnaryOperator<JsonObject> settings;
  private final List<HubNode> nodes = new CopyOnWriteArrayList<>();
  private final List<HubNode> crashed = new CopyOnWriteArrayList<>();
  private final List<Vertx> services = new CopyOnWriteArrayList<>();
  private final List<HazelcastInstance> dataMembers = new CopyOnWriteArrayList<>();
  private final List<HubTestClient> clients = new CopyOnWriteArrayList<>();
  private final Vertx clientVertx = Vertx.vertx();

  private HubCluster(
      String clusterName, List<Integer> memberPorts, UnaryOperator<JsonObject> settings) {
    this.clusterName = clusterName;
    this.memberPorts = memberPorts;
    this.settings = settings;
  }

  /** The channel the kit's probes use to check that every node reaches every other. */
  static final String PROBE_CHANNEL = "hub-testkit.probe";

  /**
   * Settings for secured nodes: no open mode, tokens verified with this HMAC secret (at least 32
   * characters). Compose with your own: {@code HubCluster.secured(secret).andThen(...)}.
   */
  public static UnaryOperator<JsonObject> secured(String secret) {
    return json -> {
      json.remove("open");
      return json.put("jwt", new JsonObject().put("secret", secret));
    };
  }

  /** Starts {@code size} nodes in open mode with default settings. */
  public static HubCluster start(int size) {
    return start(size, UnaryOperator.identity());
  }

  /**
   * Starts {@code size} nodes.
   *
   * @param settings changes each node's configuration JSON (the configuration file's shape; see
   *     docs/configuration.md), for example to set limits or channel options
   */
  public static HubCluster start(int size, UnaryOperator<JsonObject> settings) {
    // One more port than nodes, for a non-hub service member.
    List<Integer> ports = FreePorts.of(size + 1);
    HubCluster cluster =
        new HubCluster("hub-test-" + UUID.randomUUID().toString().substring(0, 8), ports, settings);
    try {
      for (int i = 0; i < size; i++) {
        HubConfig config = ConfigReader.read(settings.apply(cluster.nodeSettings(i)));
        cluster.nodes.add(HubNode.start(config).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      }
      cluster.awaitMembers(size);
      cluster.awaitFanoutMesh();
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw new AssertionError("could not start a " + size + "-node hub cluster: " + e, e);
    }
  }

  private JsonObject nodeSettings(int index) {
    return nodeSettings("node-" + (index + 1), memberPorts.get(index));
  }

  private JsonObject nodeSettings(String nodeId, int memberPort) {
    JsonArray members = new JsonArray();
    memberPorts.forEach(port -> members.add("127.0.0.1:" + port));
    return new JsonObject()
        .put("open", true)
        .put("port", 0)
        .put("host", "127.0.0.1")
        .put("nodeId", nodeId)
        .put("eventLoops", 2)
        .put("drainTimeoutMs", 3000)
        .put(
            "cluster",
            new JsonObject()
                .put("name", clusterName)
                .put("host", "127.0.0.1")
                .put("port", memberPort)
                .put("members", members));
  }

  /**
   * Starts one more node with this id, with the cluster's settings, and waits until every node
   * sees it. Its cluster port is a free one outside the member list: it joins through the others.
   *
   * @throws AssertionError when the node does not start, with the cause the node gave
   */
  public HubNode startNode(String nodeId) {
    return startNode(nodeId, UnaryOperator.identity());
  }

  /**
   * Starts one more node as {@link #startNode(String)} does, with its configuration JSON changed by
   * {@code adjust} after the cluster's settings (a fixed {@code port}, to watch {@code /ready} while
   * it starts, for example).
   */
  public HubNode startNode(String nodeId, UnaryOperator<JsonObject> adjust) {
    int port = FreePorts.one();
    HubNode node;
    try {
      node = HubNode.start(
              ConfigReader.read(adjust.apply(settings.apply(nodeSettings(nodeId, port)))))
          .await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + nodeId + " did not start: " + e.getMessage(), e);
    }
    nodes.add(node);
    awaitMembers(memberCount());
    return node;
  }

  /** Members this kit started and has not crashed or stopped that Vert.x counts: nodes and services. */
  private int memberCount() {
    return (int) running().count() + services.size();
  }

  /** The nodes neither crashed nor stopped. */
  private Stream<HubNode> running() {
    return nodes.stream().filter(node -> !crashed.contains(node) && !node.isDraining());
  }

  /**
   * Waits until every running node (neither crashed nor stopped) sees {@code size} cluster members,
   * itself and service members included.
   */
  public void awaitMembers(int size) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (running().anyMatch(node -> node.clusterSize() != size)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the nodes did not form one cluster of " + size);
      }
      sleepBriefly();
    }
  }

  /**
   * Waits until an event published on each node reaches every node, end to end through clients. A
   * node learns of the others' fan-out consumers through the cluster's subscription map,
   * asynchronously; a starting node waits for the others to have heard before it reports ready
   * (each relays a probe to it), and this checks the whole mesh once more from the clients' side.
   */
  private void awaitFanoutMesh() {
    String channel = PROBE_CHANNEL;
    String path = probePath();
    List<HubTestClient> probes = new ArrayList<>();
    try {
      for (int i = 0; i < nodes.size(); i++) {
        HubTestClient probe = HubTestClient.connect(clientVertx, node(i).port(), path, TIMEOUT);
        probes.add(probe);
        probe.request(
            new JsonObject().put("type", "subscribe").put("id", "probe").put("channel", channel),
            TIMEOUT);
      }
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      for (int origin = 0; origin < probes.size(); origin++) {
        String from = "node-" + origin;
        while (!probes.stream()
            .allMatch(p -> !p.received(f -> from.equals(f.getString("origin"))).isEmpty())) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError(
                "events published on node " + (origin + 1) + " do not reach every node");
          }
          probes
              .get(origin)
              .send(new JsonObject()
                  .put("type", "publish")
                  .put("channel", channel)
                  .put("event", new JsonObject().put("type", "probe").put("origin", from)));
          sleepBriefly();
        }
      }
    } finally {
      probes.forEach(HubTestClient::close);
    }
  }

  /**
   * Open nodes take the probes as they are; secured ones get a token for the probe channel,
   * minted with the nodes' HMAC secret (a cluster secured with public keys only cannot be probed).
   */
  private String probePath() {
    HubConfig config = node(0).config();
    if (config.node().open()) {
      return "/ws";
    }
    TokenMinter minter = new TokenMinter(clientVertx, config.security().auth());
    String token = minter.mint(new TokenMinter.Grant(
        "hub-testkit-probe",
        List.of(PROBE_CHANNEL),
        List.of(PROBE_CHANNEL),
        List.of(),
        false,
        false,
        Duration.ofMinutes(10)));
    return "/ws?token=" + token;
  }

  /** The node at this index (0-based). */
  public HubNode node(int index) {
    return nodes.get(index);
  }

  public List<HubNode> nodes() {
    return List.copyOf(nodes);
  }

  public String clusterName() {
    return clusterName;
  }

  /** Connects a WebSocket client to a node, as {@code user} (null: anonymous). */
  public HubTestClient connect(int node, String user) {
    String query = user == null ? "" : "?user=" + user;
    return connectPath(node, "/ws" + query);
  }

  /** Connects a WebSocket client to a secured node with a token in the query. */
  public HubTestClient connectWithToken(int node, String token) {
    return connectPath(node, "/ws?token=" + token);
  }

  /** Connects a WebSocket client to a node with this path and query. */
  public HubTestClient connectPath(int node, String pathAndQuery) {
    return connectPath(node, pathAndQuery, Map.of());
  }

  /** Connects a WebSocket client to a node with this path and query and these upgrade request headers. */
  public HubTestClient connectPath(int node, String pathAndQuery, Map<String, String> headers) {
    HubTestClient client =
        HubTestClient.connect(clientVertx, node(node).port(), pathAndQuery, headers, TIMEOUT);
    clients.add(client);
    return client;
  }

  /**
   * Starts a clustered Vert.x that is a member of this cluster but not a hub node, as a JVM service
   * that publishes or answers {@code rpc} would be. It joins as a Hazelcast lite member, as every
   * such service must: it holds no data, so it never has to run the hub's own cluster code (the
   * presence updates), which it does not have.
   */
  public Vertx startService() {
    Config config = memberConfig().setLiteMember(true);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    try {
      Vertx service = Vertx.builder()
          .with(options)
          .withClusterManager(new HazelcastClusterManager(config))
          .buildClustered()
          .await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      services.add(service);
      awaitMembers(memberCount());
      return service;
    } catch (Exception e) {
      throw new AssertionError("could not start a service member: " + e, e);
    }
  }

  /**
   * Starts a plain Hazelcast member that holds data but is not a hub node: what a service
   * misconfigured without {@code lite-member} would be. Hub nodes report it. It is a member once
   * this returns; Vert.x does not count it (it has no Vert.x node id), nor does {@link #awaitMembers}.
   */
  public HazelcastInstance startDataMember() {
    HazelcastInstance member = Hazelcast.newHazelcastInstance(memberConfig());
    dataMembers.add(member);
    return member;
  }

  /**
   * A member of this cluster on the spare port (or the next free one after it), built as the
   * nodes' own members are: from the cluster settings the nodes get (so from the same file of
   * {@code cluster-config}, {@code loopback.xml} unless the test's settings name another).
   */
  private Config memberConfig() {
    JsonObject json =
        settings.apply(nodeSettings("member", memberPorts.get(memberPorts.size() - 1)));
    return ClusterSetup.hazelcastConfig(ConfigReader.read(json).cluster());
  }

  /** The Hazelcast member under a node, to inspect the cluster's own state. */
  public static HazelcastInstance hazelcast(HubNode node) {
    return hazelcast(node.vertx());
  }

  /** The Hazelcast member under a clustered Vert.x (a node's or a service's). */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    var manager = VertxInternals.clusterManager(vertx);
    return ((HazelcastClusterManager) manager).getHazelcastInstance();
  }

  /**
   * Cuts one node off from the others as a network split would: it and the others stop counting
   * each other as members, so each side goes on as a cluster of its own (the survivors see the node
   * leave, the node sees them leave). Hazelcast has no public call for it; this takes the path its
   * own failure detector takes ({@code ClusterServiceImpl.suspectMember}). The node merges back at
   * Hazelcast's next split-brain check ({@code hazelcast.merge.next.run.delay.seconds}, 5 s in
   * {@code loopback.xml}), as after a real split: with a new member uuid, its side's data merged by
   * each structure's merge policy. Wait for that with {@link #awaitMembers}.
   */
  public void splitNode(int index) {
    HazelcastInstance isolated = hazelcast(node(index));
    Member self = isolated.getCluster().getLocalMember();
    List<Member> others =
        isolated.getCluster().getMembers().stream().filter(m -> !m.equals(self)).toList();
    for (Member other : others) {
      HazelcastInternals.suspect(isolated, other, "split by the test kit");
    }
    for (HubNode node : nodes) {
      if (node != node(index) && !crashed.contains(node)) {
        // Each member must be given its own view of the isolated one.
        HazelcastInstance survivor = hazelcast(node);
        survivor.getCluster().getMembers().stream()
            .filter(m -> m.getUuid().equals(self.getUuid()))
            .findFirst()
            .ifPresent(seen -> HazelcastInternals.suspect(survivor, seen, "split by the test kit"));
      }
    }
  }

  /** Stops one node gracefully (clients get {@code reconnect} and close 1012). */
  public void stopNode(int index) {
    try {
      node(index).stop().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + (index + 1) + " did not stop: " + e, e);
    }
  }

  /**
   * Takes one node out of the cluster without a goodbye to the cluster: its Hazelcast member is
   * terminated, so the others see it vanish as when its process dies (membership, presence and
   * partition failover follow). Its Vert.x is then closed, which still drains its WebSocket clients
   * ({@code reconnect}, close 1012); to test clients against a node that dies without a word, run
   * the hub as a process and kill it, as the {@code *ProcessIT} tests do.
   */
  public void crashNode(int index) {
    HubNode node = node(index);
    hazelcast(node).getLifecycleService().terminate();
    try {
      node.vertx().close().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("node " + (index + 1) + " did not close: " + e, e);
    }
    crashed.add(node);
  }

  @Override
  public void close() {
    clients.forEach(HubTestClient::close);
    // First, and gracefully: partitions it owns move to the nodes before they stop.
    dataMembers.forEach(member -> member.getLifecycleService().shutdown());
    List<Future<?>> closing = new ArrayList<>();
    for (HubNode node : nodes) {
      closing.add(
          node.isDraining() || crashed.contains(node) ? Future.succeededFuture() : node.stop());
    }
    services.forEach(service -> closing.add(service.close()));
    try {
      Future.join(closing).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // Best effort: a node that failed to stop must not hide the test's own failure.
    } finally {
      clientVertx.close();
    }
  }

  private static void sleepBriefly() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
