package dev.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.client.HubClient.State;
import dev.hub.testkit.FreePorts;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client against three clustered in-process nodes (history channel {@code feed}). The
 * graceful stop runs last: it takes a node away from the class's cluster. A node's death is a
 * {@link CuttableProxy} cut, since an in-process node that stops always says goodbye.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubClientIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final Backoff FAST = new Backoff(20, 200, 2);
  private static final Backoff NEVER_ON_ITS_OWN = new Backoff(60_000, 60_000, 1);

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(
      3,
      settings -> settings.put(
          "channels",
          new JsonArray()
              .add(new JsonObject()
                  .put("pattern", "feed")
                  .put("history", new JsonObject().put("size", 1000).put("ttl", "10m")))));

  private static final Vertx vertx = Vertx.vertx();
  private final List<HubClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    await(Future.join(clients.stream().map(HubClient::close).toList()));
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  private HubClient client(HubClientOptions options) {
    HubClient client = HubClient.create(vertx, options);
    clients.add(client);
    return client;
  }

  private static String url(int node) {
    return "ws://127.0.0.1:" + hub.cluster().node(node).port() + "/ws";
  }

  private static List<StateChange> record(HubClient client) {
    List<StateChange> changes = new CopyOnWriteArrayList<>();
    client.stateHandler(changes::add);
    return changes;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @Order(1)
  void connectsToTheNextUrlWhenTheFirstNodeIsDown() throws IOException {
    HubClient client = client(new HubClientOptions()
        .setUrls(List.of(deadUrl(), url(0)))
        .setUser("failover")
        .setBackoff(FAST));
    List<StateChange> changes = record(client);
    await(client.connect());
    Awaitility.await().atMost(WAIT).until(client::isConnected);
    assertThat(changes)
        .extracting(StateChange::state)
        .containsExactly(State.CONNECTING, State.DISCONNECTED, State.CONNECTING, State.CONNECTED);
    assertThat(changes.get(1).next()).isEqualTo(url(0));
    assertThat(changes.get(3).url()).isEqualTo(url(0));
    assertThat(changes.get(3).node()).isEqualTo(hub.cluster().node(0).nodeId());
  }

  @Test
  @Order(2)
  void requestsAreMatchedToTheirRepliesAcrossNodes() {
    Vertx service = hub.cluster().startService();
    service
        .eventBus()
        .<JsonObject>consumer(
            "inventory.check",
            message -> message.reply(new JsonObject()
                .put("sku", message.body().getString("sku"))
                .put("askedBy", message.headers().get("hub-user"))));
    HubClient alice = client(new HubClientOptions().setUrls(List.of(url(0))).setUser("alice"));
    HubClient bob = client(new HubClientOptions().setUrls(List.of(url(1))).setUser("bob"));
    List<JsonObject> got = new CopyOnWriteArrayList<>();
    alice.connect();
    bob.connect();
    await(bob.subscribe("feed", got::add).ready());

    JsonObject ack = await(
        alice.publish("feed", new JsonObject().put("type", "task_created").put("taskId", 124)));
    Awaitility.await().atMost(WAIT).until(() -> got.size() == 1);
    assertThat(got.get(0).getLong("offset")).isEqualTo(ack.getLong("offset"));
    assertThat(got.get(0).getString("from")).isEqualTo("alice");

    Object reply = await(alice.rpc("inventory.check", new JsonObject().put("sku", "X-1"), 5000));
    assertThat(reply).isEqualTo(new JsonObject().put("sku", "X-1").put("askedBy", "alice"));
    assertThat(failureCode(alice.rpc("nobody.serves.this", new JsonObject(), 2000)))
        .isEqualTo("no_handler");
    assertThat(failureCode(alice.publish("bad channel!", new JsonObject().put("type", "x"))))
        .isEqualTo("bad_channel");
    assertThat(await(alice.history("feed", 10)).getJsonArray("messages")).isNotEmpty();
  }

  @Test
  @Order(3)
  void backoffGrowsWithJitterOnTheInjectedRandomSource() throws IOException {
    double[] randoms = {0.5, 0.9, 0.1, 0.99, 0.3, 0.7};
    AtomicInteger draws = new AtomicInteger();
    DoubleSupplier random = () -> randoms[draws.getAndIncrement() % randoms.length];
    String a = deadUrl();
    String b = deadUrl();
    HubClient client = client(new HubClientOptions()
        .setUrls(List.of(a, b))
        .setBackoff(new Backoff(20, 100, 2))
        .setRandom(random));
    List<StateChange> changes = record(client);
    client.connect();
    Awaitility.await().atMost(WAIT).until(() -> disconnects(changes).size() >= randoms.length);
    await(client.close());
    List<StateChange> drops = disconnects(changes).subList(0, randoms.length);
    long[] ceilings = {20, 40, 80, 100, 100, 100};
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < randoms.length; i++) {
      expected.add((long) Math.floor(randoms[i] * ceilings[i]));
    }
    assertThat(drops).extracting(StateChange::delayMs).containsExactlyElementsOf(expected);
    assertThat(expected).containsExactly(10L, 36L, 8L, 99L, 30L, 70L);
    assertThat(drops).extracting(StateChange::url).containsExactly(a, b, a, b, a, b);
  }

  @Test
  @Order(4)
  void aSilentConnectionIsDeadAfterTwoAndAHalfHeartbeats() {
    // A server that says `connected` with a 200 ms heartbeat, then never speaks again.
    HttpServer silent = await(vertx
        .createHttpServer()
        .webSocketHandler(ws -> ws.writeTextMessage(new JsonObject()
            .put("type", "connected")
            .put("node", "silent")
            .put("heartbeat", 200)
            .encode()))
        .listen(0, "127.0.0.1"));
    try {
      String silentUrl = "ws://127.0.0.1:" + silent.actualPort() + "/ws";
      HubClient client =
          client(new HubClientOptions().setUrls(List.of(silentUrl, url(1))).setBackoff(FAST));
      List<StateChange> changes = record(client);
      List<Long> at = new CopyOnWriteArrayList<>();
      client.stateHandler(change -> at.add(System.nanoTime()));
      client.connect();
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> client.isConnected()
              && url(1).equals(changes.get(changes.size() - 1).url()));
      long silentMs = TimeUnit.NANOSECONDS.toMillis(at.get(2) - at.get(1));
      assertThat(silentMs)
          .as("declared dead after 2.5 x 200 ms, not before")
          .isBetween(500L, 5000L);
      assertThat(changes)
          .extracting(StateChange::state)
          .startsWith(State.CONNECTING, State.CONNECTED, State.DISCONNECTED);
      assertThat(changes.get(1).node()).isEqualTo("silent");
    } finally {
      silent.close();
    }
  }

  @Test
  @Order(6)
  void aGracefulStopMovesToTheNextUrlAtOnce() {
    HubClient client = client(
        new HubClientOptions().setUrls(List.of(url(2), url(0))).setBackoff(NEVER_ON_ITS_OWN));
    List<StateChange> changes = record(client);
    String next = url(0);
    client.connect();
    Awaitility.await().atMost(WAIT).until(client::isConnected);
    hub.cluster().stopNode(2);
    Awaitility.await()
        .atMost(WAIT)
        .until(() ->
            client.isConnected() && next.equals(changes.get(changes.size() - 1).url()));
    assertThat(disconnects(changes)).extracting(StateChange::delayMs).containsExactly(0L);
  }

  @Test
  @Order(5)
  void afterItsNodeDiesItFailsOverRecoversWithNoGapAndFlushesItsQueueInOrder() {
    CuttableProxy node0 = await(CuttableProxy.start(vertx, hub.cluster().node(0).port()));
    AtomicInteger tokens = new AtomicInteger();
    HubClient victim = client(new HubClientOptions()
        .setUrls(List.of(node0.url(), url(1)))
        .setUser("victim")
        .setTokenSupplier(() -> Future.succeededFuture("token-" + tokens.incrementAndGet()))
        .setBackoff(NEVER_ON_ITS_OWN));
    HubClient observer =
        client(new HubClientOptions().setUrls(List.of(url(1))).setUser("observer"));
    List<StateChange> changes = record(victim);
    List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
    List<JsonObject> observed = Collections.synchronizedList(new ArrayList<>());
    victim.connect();
    observer.connect();
    await(victim.subscribe("feed", received::add).ready());
    await(observer.subscribe("feed", observed::add).ready());
    for (int n = 1; n <= 3; n++) {
      await(victim.publish("feed", new JsonObject().put("type", "live").put("n", n)));
    }
    Awaitility.await().atMost(WAIT).until(() -> received.size() == 3);

    String survivor = url(1);
    await(node0.cut());
    Awaitility.await().atMost(WAIT).until(() -> victim.state() == State.DISCONNECTED);
    List<Future<JsonObject>> queuedAcks = new ArrayList<>();
    for (int n = 4; n <= 6; n++) {
      queuedAcks.add(
          victim.publish("feed", new JsonObject().put("type", "queued").put("n", n)));
    }
    assertThat(await(victim.queued())).isEqualTo(3);
    for (int n = 7; n <= 9; n++) {
      await(observer.publish("feed", new JsonObject().put("type", "missed").put("n", n)));
    }

    victim.reconnectNow();
    Awaitility.await().atMost(WAIT).until(victim::isConnected);
    assertThat(changes.get(changes.size() - 1).url()).isEqualTo(survivor);
    assertThat(tokens).as("a fresh token for the reconnect").hasValue(2);
    await(Future.all(queuedAcks));
    Awaitility.await().atMost(WAIT).until(() -> received.size() >= 9);

    List<Long> offsets = received.stream().map(e -> e.getLong("offset")).toList();
    long first = offsets.get(0);
    assertThat(offsets)
        .as("no gap, no duplicate")
        .containsExactlyElementsOf(
            java.util.stream.LongStream.range(first, first + 9).boxed().toList());
    assertThat(received)
        .extracting(e -> e.getString("epoch"))
        .containsOnly(received.get(0).getString("epoch"));
    assertThat(ofType(received, "missed")).containsExactly(7, 8, 9);
    assertThat(ofType(received, "queued"))
        .as("the queue flushed in order")
        .containsExactly(4, 5, 6);
    Awaitility.await().atMost(WAIT).until(() -> ofType(observed, "queued").size() == 3);
    assertThat(ofType(observed, "queued")).containsExactly(4, 5, 6);
  }

  private static List<Integer> ofType(List<JsonObject> events, String type) {
    synchronized (events) {
      return events.stream()
          .filter(e -> type.equals(e.getString("type")))
          .map(e -> e.getInteger("n"))
          .toList();
    }
  }

  private static List<StateChange> disconnects(List<StateChange> changes) {
    return changes.stream().filter(c -> c.state() == State.DISCONNECTED).toList();
  }

  private static String failureCode(Future<?> future) {
    try {
      future.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (HubClientException e) {
      return e.code();
    } catch (Exception e) {
      throw new AssertionError("expected a HubClientException, got " + e, e);
    }
    throw new AssertionError("expected a failure");
  }

  private static String deadUrl() {
    return "ws://127.0.0.1:" + FreePorts.one() + "/ws";
  }
}
