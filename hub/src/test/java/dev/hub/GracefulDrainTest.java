package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop lets the requests already in flight on a connection finish and send their
 * replies before it sends {@code reconnect} and closes; a frame that arrives once the drain began
 * is refused with {@code unavailable}, not dropped in silence. The request here is an {@code rpc}
 * to a service that answers only when the test says so.
 */
class GracefulDrainTest {
  private static final long WAIT_MS = 10_000;
  private static final String SERVICE = "svc.slow";

  private Vertx nodeVertx;
  private Vertx clientVertx;
  private HubNode node;
  private final AtomicReference<Message<Object>> held = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    nodeVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
    nodeVertx
        .eventBus()
        .consumer(SERVICE, held::set)
        .completion()
        .await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private void deploy(long drainTimeoutMs) throws Exception {
    node = HubNode.deploy(
            nodeVertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("drainTimeoutMs", drainTimeoutMs)))
        .await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void close() throws Exception {
    clientVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    nodeVertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  void aRequestInFlightWhenTheStopBeginsGetsItsReplyBeforeReconnect() throws Exception {
    deploy(8_000);
    HubTestClient alice = HubTestClient.connect(clientVertx, node.port(), "/ws?user=alice");
    alice.send(new JsonObject()
        .put("type", "rpc")
        .put("id", "call")
        .put("address", SERVICE)
        .put("body", new JsonObject().put("q", 1)));
    Awaitility.await().atMost(Duration.ofMillis(WAIT_MS)).until(() -> held.get() != null);

    Future<Void> stopped = node.stop();
    awaitRefusedOrClosed(alice);
    assertThat(alice.received(frame -> "reconnect".equals(frame.getString("type"))))
        .as("reconnect sent while the rpc was still in flight")
        .isEmpty();
    assertThat(alice.isClosed()).as("closed while the rpc was still in flight").isFalse();
    List<JsonObject> refusals = alice.received(frame -> "error".equals(frame.getString("type")));
    assertThat(refusals)
        .as("frames sent after the drain began")
        .isNotEmpty()
        .allSatisfy(
            refusal -> assertThat(List.of(refusal.getString("code"), refusal.getString("message")))
                .containsExactly(
                    "unavailable", "the node is shutting down; reconnect to another node"));

    held.get().reply(new JsonObject().put("answer", 42));
    int closeCode = alice.awaitClose();
    stopped.await(WAIT_MS, TimeUnit.MILLISECONDS);

    List<String> types = alice.received(frame -> true).stream()
        .map(frame -> frame.getString("type"))
        .filter(type -> !type.equals("error") && !type.equals("pong"))
        .toList();
    assertThat(types).containsExactly("connected", "rpc_result", "reconnect");
    assertThat(alice
            .received(frame -> "rpc_result".equals(frame.getString("type")))
            .get(0)
            .getJsonObject("body"))
        .isEqualTo(new JsonObject().put("answer", 42));
    assertThat(closeCode).isEqualTo(1012);
  }

  @Test
  void aRequestThatDoesNotEndHoldsReconnectBackForHalfTheDrainTimeoutAtMost() throws Exception {
    deploy(1_000);
    HubTestClient alice = HubTestClient.connect(clientVertx, node.port(), "/ws?user=alice");
    alice.send(new JsonObject()
        .put("type", "rpc")
        .put("id", "call")
        .put("address", SERVICE)
        .put("body", new JsonObject())
        .put("timeout", 30_000));
    Awaitility.await().atMost(Duration.ofMillis(WAIT_MS)).until(() -> held.get() != null);

    long began = System.nanoTime();
    node.stop().await(WAIT_MS, TimeUnit.MILLISECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);

    assertThat(alice.awaitClose()).isEqualTo(1012);
    assertThat(alice.received(frame -> true).stream()
            .map(frame -> frame.getString("type"))
            .toList())
        .containsExactly("connected", "reconnect");
    // Half the drain timeout for the request, the rest for the close; generous for a loaded
    // machine.
    assertThat(tookMs).as("stop with a request that never ends, ms").isLessThan(5_000);
  }

  /**
   * Sends pings until one is refused with {@code unavailable} (the drain began and the rpc still
   * holds the connection open), or the connection closes (the drain did not wait for the rpc).
   */
  private static void awaitRefusedOrClosed(HubTestClient client) {
    AtomicInteger ping = new AtomicInteger();
    Awaitility.await()
        .atMost(Duration.ofMillis(WAIT_MS))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> {
          if (client.isClosed()) {
            return true;
          }
          client.send(
              new JsonObject().put("type", "ping").put("id", "ping-" + ping.incrementAndGet()));
          return !client
              .received(frame -> "error".equals(frame.getString("type")))
              .isEmpty();
        });
  }
}
