package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubClusterExtension;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The live stream of a history channel across two clustered nodes, where the faults of issue 11
 * showed: a history lost under live subscribers, a gap every subscriber of a node sees at once,
 * and a replay larger than the connection's outbound bound.
 */
class HistoryStreamIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  private static final int OUTBOUND_BYTES = 64 * 1024;

  @RegisterExtension
  static HubClusterExtension hub = HubClusterExtension.nodes(
      2,
      settings -> settings
          .put(
              "channels",
              new JsonArray()
                  .add(new JsonObject()
                      .put("pattern", "ledger-*")
                      .put("history", new JsonObject().put("size", 10_000))))
          .put(
              "limits",
              new JsonObject()
                  .put("outboundBytes", OUTBOUND_BYTES)
                  .put("ratePerSecond", 100_000)
                  .put("burst", 100_000)));

  @Test
  void aLiveSubscriberIsToldOfANewEpochWhenTheHistoryIsLostAndGetsItsEvents() {
    HubCluster cluster = hub.cluster();
    HubTestClient reader = cluster.connect(1, "reader");
    reader.request(subscribe("ledger-lost"), WAIT);
    HubTestClient writer = cluster.connect(0, "writer");
    for (int n = 1; n <= 3; n++) {
      writer.request(acked(publish("ledger-lost", n), n), WAIT);
    }
    Awaitility.await().atMost(WAIT).until(() -> entries(reader, "ledger-lost").size() == 3);
    String before = entries(reader, "ledger-lost").get(0).getString("epoch");

    // Both holders of the channel's partition die together: its ring and epoch are gone.
    HazelcastInstance hazelcast = HubCluster.hazelcast(cluster.node(0));
    hazelcast.getMap("hub.epochs").remove("ledger-lost");
    hazelcast.getRingbuffer("hub.history.ledger-lost@ledger-lost").destroy();

    JsonObject ack = writer.request(acked(publish("ledger-lost", 4), 4), WAIT);
    assertThat(ack.getLong("offset"))
        .as("a history rebuilt from nothing starts again at 1")
        .isEqualTo(1L);
    assertThat(ack.getString("epoch")).isNotEqualTo(before);
    Awaitility.await().atMost(WAIT).until(() -> entries(reader, "ledger-lost").size() == 4);
    JsonObject notice = reader.await(
        frame -> "subscribed".equals(frame.getString("type")) && !frame.containsKey("id"), WAIT);
    assertThat(notice.getString("channel")).isEqualTo("ledger-lost");
    assertThat(notice.getString("epoch")).isEqualTo(ack.getString("epoch"));
    assertThat(notice.getLong("offset")).isZero();
    assertThat(notice.getBoolean("recovered")).isFalse();
    List<JsonObject> received = reader.received();
    assertThat(received.indexOf(notice))
        .as("the notice comes before the new epoch's first event")
        .isLessThan(received.indexOf(entries(reader, "ledger-lost").get(3)));
    assertThat(entries(reader, "ledger-lost").get(3).getLong("n")).isEqualTo(4L);
  }

  @Test
  void aGapSeenByEverySubscriberOfANodeIsReadFromTheHistoryOnce() {
    HubCluster cluster = hub.cluster();
    List<HubTestClient> readers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      HubTestClient reader = cluster.connect(1, "gap-reader-" + i);
      reader.send(subscribe("ledger-gap"));
      readers.add(reader);
    }
    readers.forEach(
        reader -> reader.await(frame -> "subscribed".equals(frame.getString("type")), WAIT));
    HubTestClient writer = cluster.connect(0, "gap-writer");
    writer.request(acked(publish("ledger-gap", 1), 1), WAIT);
    // A node stored offset 2 and died before it told anyone: the subscribers hear 1, then 3.
    Ringbuffer<byte[]> ring =
        HubCluster.hazelcast(cluster.node(0)).getRingbuffer("hub.history.ledger-gap@ledger-gap");
    ring.add(("T"
            + new JsonObject()
                .put("type", "entry")
                .put("n", 2)
                .put("channel", "ledger-gap")
                .encode())
        .getBytes(StandardCharsets.UTF_8));
    double readsBefore = NodeHttp.metric(cluster.node(1), "hub_history_gap_reads_total");
    writer.request(acked(publish("ledger-gap", 3), 3), WAIT);

    for (HubTestClient reader : readers) {
      Awaitility.await().atMost(WAIT).until(() -> entries(reader, "ledger-gap").size() == 3);
      assertThat(entries(reader, "ledger-gap"))
          .extracting(e -> e.getLong("offset"))
          .containsExactly(1L, 2L, 3L);
      assertThat(entries(reader, "ledger-gap"))
          .extracting(e -> e.getLong("n"))
          .containsExactly(1L, 2L, 3L);
    }
    double reads = NodeHttp.metric(cluster.node(1), "hub_history_gap_reads_total") - readsBefore;
    assertThat(reads)
        .as("history reads for one gap seen by 200 subscribers on one node")
        .isBetween(1.0, 2.0);
    readers.forEach(HubTestClient::close);
  }

  @Test
  void aReplayFarLargerThanTheOutboundBoundIsPacedAndArrivesWhole() {
    HubCluster cluster = hub.cluster();
    HubTestClient writer = cluster.connect(0, "replay-writer");
    String padding = "x".repeat(2000);
    // About 12 MB: two hundred times the connection's outbound bound, and more than the kernel's
    // socket buffers could take at once on the client's behalf.
    int count = 6_000;
    for (int n = 1; n <= count; n++) {
      JsonObject frame = publish("ledger-replay", n)
          .put("event", new JsonObject().put("type", "entry").put("n", n).put("pad", padding));
      writer.send(n == count ? frame.put("id", "last") : frame);
    }
    String epoch =
        writer.await(frame -> "last".equals(frame.getValue("id")), WAIT).getString("epoch");
    assertThat(writer.received(frame -> "error".equals(frame.getString("type"))))
        .as("publish errors")
        .isEmpty();

    HubTestClient reader = cluster.connect(1, "replay-reader");
    JsonObject subscribed = reader.request(
        subscribe("ledger-replay")
            .put("since", new JsonObject().put("offset", 0).put("epoch", epoch)),
        WAIT);
    assertThat(subscribed.getBoolean("recovered")).isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(
                entries(reader, "ledger-replay").size() == count || reader.isClosed())
            .as(
                "received %d of %d, closed %s, subscribed %s, first missing %s",
                entries(reader, "ledger-replay").size(),
                count,
                reader.closeCode(),
                subscribed,
                LongStream.rangeClosed(1, count)
                    .filter(o -> entries(reader, "ledger-replay").stream()
                        .noneMatch(e -> e.getLong("offset") == o))
                    .limit(5)
                    .boxed()
                    .toList())
            .isTrue());
    assertThat(reader.closeCode()).as("a paced replay does not end in 4009").isNull();
    assertThat(entries(reader, "ledger-replay"))
        .extracting(e -> e.getLong("offset"))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
  }

  private static List<JsonObject> entries(HubTestClient client, String channel) {
    return client.received(frame ->
        "entry".equals(frame.getString("type")) && channel.equals(frame.getString("channel")));
  }

  private static JsonObject subscribe(String channel) {
    return new JsonObject()
        .put("type", "subscribe")
        .put("id", "s-" + channel)
        .put("channel", channel);
  }

  private static JsonObject publish(String channel, long n) {
    return new JsonObject()
        .put("type", "publish")
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "entry").put("n", n));
  }

  private static JsonObject acked(JsonObject publish, long n) {
    return publish.put("id", "p-" + n);
  }
}
