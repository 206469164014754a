package dev.hub.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ChannelOptions;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a history query reads and answers: only what it was asked (on today's main a query with
 * {@code limit: 1} read the whole ring), and never more than fits the asking connection.
 */
class HistoryQueryTest {
  private static final int OUTBOUND_BYTES = 64 * 1024;
  private final HubConfig config = ConfigReader.read(new JsonObject()
      .put("open", true)
      .put("limits", new JsonObject().put("outboundBytes", OUTBOUND_BYTES))
      .put(
          "channels",
          new JsonArray()
              .add(new JsonObject()
                  .put("pattern", "log")
                  .put("history", new JsonObject().put("size", 5000)))));
  private final ChannelOptions log = config.channelOptions("log");

  @Test
  void aQueryForTheNewestEventReadsOneEvent() throws Exception {
    CountingStore store = new CountingStore(new LocalHistoryStore(Clock.systemUTC()));
    for (int n = 1; n <= 3000; n++) {
      append(store, "{\"type\":\"line\",\"n\":" + n + "}");
    }
    store.asked.clear();
    JsonObject reply =
        new HistoryQuery(store, config).query("log", null, 1).await(10, TimeUnit.SECONDS);
    assertThat(reply.getJsonArray("messages")).hasSize(1);
    assertThat(reply.getJsonArray("messages").getJsonObject(0).getLong("n")).isEqualTo(3000L);
    assertThat(reply.getLong("offset")).isEqualTo(3000L);
    assertThat(store.asked).as("events asked of the store per read").allMatch(limit -> limit <= 1);
  }

  @Test
  void aReplyHoldsNoMoreThanHalfTheOutboundBoundAndSaysWhereToGoOn() throws Exception {
    CountingStore store = new CountingStore(new LocalHistoryStore(Clock.systemUTC()));
    String pad = "x".repeat(10_000);
    for (int n = 1; n <= 20; n++) {
      append(store, "{\"type\":\"line\",\"n\":" + n + ",\"pad\":\"" + pad + "\"}");
    }
    JsonObject newest =
        new HistoryQuery(store, config).query("log", null, 20).await(10, TimeUnit.SECONDS);
    assertThat(newest.encode().length()).isLessThanOrEqualTo(OUTBOUND_BYTES / 2 + 1000);
    JsonArray messages = newest.getJsonArray("messages");
    assertThat(messages.getJsonObject(messages.size() - 1).getLong("n"))
        .as("the newest are kept")
        .isEqualTo(20L);

    String epoch = newest.getString("epoch");
    JsonObject first = new HistoryQuery(store, config)
        .query("log", new StreamPosition(0, epoch), 20)
        .await(10, TimeUnit.SECONDS);
    JsonArray page = first.getJsonArray("messages");
    assertThat(page.getJsonObject(0).getLong("offset")).isEqualTo(1L);
    long last = page.getJsonObject(page.size() - 1).getLong("offset");
    assertThat(last)
        .as("fewer than asked, so the client asks again from here")
        .isLessThan(first.getLong("offset"));
    JsonObject next = new HistoryQuery(store, config)
        .query("log", new StreamPosition(last, epoch), 20)
        .await(10, TimeUnit.SECONDS);
    assertThat(next.getJsonArray("messages").getJsonObject(0).getLong("offset"))
        .isEqualTo(last + 1);
  }

  private void append(HistoryStore store, String json) throws Exception {
    store
        .append("log", log, Buffer.buffer(json), false, ChannelAdmission.ANY)
        .await(10, TimeUnit.SECONDS);
  }

  /** A real store that records how many events each read asked for. */
  private static final class CountingStore extends ForwardingHistoryStore {
    private final List<Integer> asked = new ArrayList<>();

    CountingStore(HistoryStore store) {
      super(store);
    }

    @Override
    public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
      asked.add(limit);
      return store.read(channel, afterOffset, limit);
    }

    @Override
    public Future<HistoryPage> newest(String channel, int limit) {
      asked.add(limit);
      return store.newest(channel, limit);
    }
  }
}
