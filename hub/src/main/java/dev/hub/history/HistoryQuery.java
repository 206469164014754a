package dev.hub.history;

import dev.hub.config.ChannelOptions;
import dev.hub.config.HubConfig;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;

/**
 * A channel's history as JSON, for the {@code history} frame and
 * {@code GET /api/channels/{channel}/history}: {@code {"channel","messages","offset","epoch"}}.
 * With {@code since}, the events after it (all retained events when its epoch is not the current
 * one); without, the newest. A binary event appears as its JSON with its payload as base64 in
 * {@code data}.
 */
public final class HistoryQuery {
  /** Events returned at most by one query. */
  public static final int MAX_LIMIT = 10_000;

  private final HistoryStore store;
  private final HubConfig config;

  public HistoryQuery(HistoryStore store, HubConfig config) {
    this.store = store;
    this.config = config;
  }

  /** Fails with {@code invalid_frame} for a channel that keeps no history. */
  public Future<JsonObject> query(String channel, StreamPosition since, Integer limit) {
    ChannelOptions options = config.channelOptions(channel);
    if (options == null || !options.hasHistory()) {
      return Future.failedFuture(new HubException(ErrorCode.INVALID_FRAME, "no history is kept for " + channel));
    }
    int max = limit == null ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
    if (since == null) {
      return store.read(channel, 0, Integer.MAX_VALUE).map(page -> json(channel, page, newest(page.events(), max)));
    }
    return store.read(channel, since.offset(), max).compose(page -> page.epoch().equals(since.epoch())
        ? Future.succeededFuture(json(channel, page, page.events()))
        : store.read(channel, 0, max).map(all -> json(channel, all, all.events())));
  }

  private static List<StoredEvent> newest(List<StoredEvent> events, int max) {
    return events.subList(Math.max(0, events.size() - max), events.size());
  }

  private static JsonObject json(String channel, HistoryPage page, List<StoredEvent> events) {
    JsonArray messages = new JsonArray();
    for (StoredEvent event : events) {
      messages.add(message(event).put("offset", event.offset()).put("epoch", page.epoch()));
    }
    return new JsonObject().put("channel", channel).put("messages", messages)
        .put("offset", page.latest()).put("epoch", page.epoch());
  }

  private static JsonObject message(StoredEvent event) {
    Buffer bytes = event.bytes();
    if (!event.binary()) {
      return new JsonObject(bytes);
    }
    int length = bytes.getInt(0);
    return new JsonObject(bytes.slice(4, 4 + length))
        .put("data", Base64.getEncoder().encodeToString(bytes.getBytes(4 + length, bytes.length())));
  }
}
