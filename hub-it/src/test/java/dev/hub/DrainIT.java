package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A publish whose history append is still under way when a graceful stop begins gets its
 * {@code ack} before {@code reconnect}: a client that never saw the ack would publish again, and the
 * event would be stored twice, at two offsets. The append is held where Hazelcast holds it: the
 * channel is new, so the append first gives it an epoch with an entry processor on the epoch map,
 * which waits while the test holds the lock of the channel's key.
 */
class DrainIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final String CHANNEL = "news";
  /** The epoch map of {@code HazelcastHistoryStore}, keyed by channel name. */
  private static final String EPOCHS = "hub.epochs";

  @Test
  void aPublishInFlightWhenTheStopBeginsIsAckedBeforeReconnect() throws Exception {
    try (HubCluster cluster = HubCluster.start(
        1,
        node -> node.put("drainTimeoutMs", 10_000)
            .put(
                "channels",
                new JsonArray()
                    .add(new JsonObject()
                        .put("pattern", CHANNEL)
                        .put("history", new JsonObject().put("size", 100).put("ttl", "10m")))))) {
      HubNode node = cluster.node(0);
      HubTestClient alice = cluster.connect(0, "alice");
      IMap<String, String> epochs = HubCluster.hazelcast(node).getMap(EPOCHS);
      epochs.lock(CHANNEL);
      boolean locked = true;
      try {
        alice.send(new JsonObject()
            .put("type", "publish")
            .put("id", "p1")
            .put("channel", CHANNEL)
            .put("event", new JsonObject().put("type", "story").put("n", 1)));
        // Frames are handled in order: once the ping is answered, the publish waits on the store.
        alice.request(new JsonObject().put("type", "ping").put("id", "before-stop"), WAIT);
        assertThat(alice.received(frame -> "p1".equals(frame.getValue("id"))))
            .as("held by the lock")
            .isEmpty();

        Future<Void> stopped = node.stop();
        awaitRefusedOrClosed(alice);
        assertThat(alice.received(frame -> "reconnect".equals(frame.getString("type"))))
            .as("reconnect sent while the publish was still in flight")
            .isEmpty();
        List<JsonObject> refusals =
            alice.received(frame -> "error".equals(frame.getString("type")));
        assertThat(refusals)
            .as("frames sent after the drain began")
            .isNotEmpty()
            .allSatisfy(refusal -> assertThat(refusal.getString("code")).isEqualTo("unavailable"));

        epochs.unlock(CHANNEL);
        locked = false;
        JsonObject ack = alice.await(frame -> "p1".equals(frame.getValue("id")), WAIT);
        assertThat(List.of(ack.getString("type"), ack.getLong("offset")))
            .containsExactly("ack", 1L);
        assertThat(alice.awaitClose(WAIT)).isEqualTo(1012);
        stopped.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        List<String> order = alice.received().stream()
            .map(frame -> frame.getString("type"))
            .filter(type -> type.equals("ack") || type.equals("reconnect"))
            .toList();
        assertThat(order).containsExactly("ack", "reconnect");
      } finally {
        if (locked && HubCluster.hazelcast(node).getLifecycleService().isRunning()) {
          // Let the append through, so the node can stop; a failed assertion above stays the
          // failure.
          epochs.unlock(CHANNEL);
        }
      }
    }
  }

  /**
   * Sends pings until one is refused (the drain began while the publish holds the connection
   * open), or the connection closes (the drain did not wait for it).
   */
  private static void awaitRefusedOrClosed(HubTestClient client) {
    AtomicInteger ping = new AtomicInteger();
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      if (client.isClosed()) {
        return true;
      }
      client.send(new JsonObject().put("type", "ping").put("id", "ping-" + ping.incrementAndGet()));
      return !client.received(frame -> "error".equals(frame.getString("type"))).isEmpty();
    });
  }
}
