package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubCluster;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two halves of the capacity scenario against a real two-node cluster: {@code listen} opens
 * subscribers on both nodes and says when they are ready, {@link Broadcast} publishes from
 * elsewhere, and the listener counts every event on every subscriber and times it.
 */
@Timeout(120)
class ListenersTest {
  @Test
  void listenersCountAndTimeEveryBroadcastOnEveryNode() throws Exception {
    try (HubCluster cluster = HubCluster.start(2)) {
      String urls = "ws://127.0.0.1:" + cluster.node(0).port() + "/ws,ws://127.0.0.1:"
          + cluster.node(1).port() + "/ws";
      ReadyWatch out = new ReadyWatch();
      CompletableFuture<Integer> listening = CompletableFuture.supplyAsync(() -> LoadMain.execute(
          new String[] {
            "listen",
            "--urls",
            urls,
            "--connections",
            "60",
            "--channel",
            "room",
            "--events",
            "3",
            "--connects-per-second",
            "0",
            "--timeout",
            "60s"
          },
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream())));
      out.ready.get(60, TimeUnit.SECONDS);

      Broadcast.Sent sent = Broadcast.run(
          URI.create("ws://127.0.0.1:" + cluster.node(0).port() + "/ws"),
          "room",
          3,
          Duration.ofMillis(200),
          100);

      assertThat(sent.published()).isEqualTo(3);
      assertThat(sent.acked()).isEqualTo(3);
      assertThat(listening.get(60, TimeUnit.SECONDS)).isZero();
      JsonObject result = new JsonObject(
          out.text().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
      assertThat(result.getInteger("opened")).isEqualTo(60);
      assertThat(result.getLong("delivered")).isEqualTo(180);
      assertThat(result.getLong("duplicates")).isZero();
      assertThat(result.getJsonArray("eventDeliveries").getList()).containsExactly(60, 60, 60);
      for (Object slowest : result.getJsonArray("eventSlowestNanos")) {
        assertThat(((Number) slowest).longValue())
            .as("publish to last delivery, ns")
            .isPositive()
            .isLessThan(TimeUnit.SECONDS.toNanos(30));
      }
      assertThat(ListenResult.histogram(result).getTotalCount()).isEqualTo(180);
    }
  }

  @Test
  void aListenerWaitsNoLongerThanItsTimeoutForEventsThatNeverCome() throws Exception {
    try (HubCluster cluster = HubCluster.start(1)) {
      ListenOptions options = new ListenOptions(
          List.of(URI.create("ws://127.0.0.1:" + cluster.node(0).port() + "/ws")),
          10,
          "quiet",
          0,
          List.of(),
          2,
          Duration.ofMillis(500));

      ListenResult result = Listeners.run(options, new PrintStream(new ByteArrayOutputStream()));

      assertThat(result.opened()).isEqualTo(10);
      assertThat(result.delivered()).isZero();
      assertThat(result.eventDeliveries()).containsExactly(0, 0);
    }
  }

  /** Stdout of the listener, completing {@link #ready} at its ready line. */
  private static final class ReadyWatch extends OutputStream {
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      if (b == '\n' && text().contains("listen ready opened=60 failed=0")) {
        ready.complete(null);
      }
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
