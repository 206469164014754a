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
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;

/**
 * A channel's history as JSON, for the {@code history} frame and
 * {@code GET /api/channels/{channel}/history}: {@code {"channel","messages","offset","epoch"}}, where
 * {@code offset} and {@code epoch} are the channel's newest position. With {@code since}, the events
 * after it (the oldest retained ones when its epoch is not the current one); without, the newest.
 * A binary event appears as its JSON with its payload as base64 in {@code data}.
 *
 * <p>Only what is asked is read, and one reply holds at most {@link #MAX_LIMIT} events and at most
 * half the outbound bound in bytes, so it always fits the connection that asked: a client that wants
 * more asks again with {@code since} set to the last offset it got (it has everything once that
 * equals {@code offset}).
 */
public final class HistoryQuery {
  /** Events returned at most by one query. */
  public static final int MAX_LIMIT = HistoryStore.PAGE;

  private final HistoryStore store;
  private final HubConfig config;
  private final int maxBytes;

  public HistoryQuery(HistoryStore store, HubConfig config) {
    this.store = store;
    this.config = config;
    this.maxBytes = config.limits().outboundBytes() / 2;
  }

  /** Fails with {@code invalid_frame} for a channel that keeps no history. */
  public Future<JsonObject> query(String channel, StreamPosition since, Integer limit) {
    ChannelOptions options = config.channelOptions(channel);
    if (options == null || !options.hasHistory()) {
      return Future.failedFuture(
          new HubException(ErrorCode.INVALID_FRAME, "no history is kept for " + channel));
    }
    int max = limit == null ? MAX_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
    Future<StreamPosition> latest = store.position(channel);
    Future<JsonArray> messages = since == null
        ? store.newest(channel, max).map(page -> newestThatFit(page))
        : latest
            .compose(position -> store.read(
                channel,
                position.epoch() != null && position.epoch().equals(since.epoch())
                    ? since.offset()
                    : 0,
                max))
            .map(page -> oldestThatFit(page));
    return Future.all(latest, messages)
        .map(both -> new JsonObject()
            .put("channel", channel)
            .put("messages", messages.result())
            .put("offset", latest.result().offset())
            .put("epoch", latest.result().epoch()));
  }

  private JsonArray oldestThatFit(HistoryPage page) {
    JsonArray messages = new JsonArray();
    int bytes = 0;
    for (StoredEvent event : page.events()) {
      bytes += event.bytes().length();
      if (bytes > maxBytes && !messages.isEmpty()) {
        break;
      }
      messages.add(message(event, page.epoch()));
    }
    return messages;
  }

  private JsonArray newestThatFit(HistoryPage page) {
    Deque<JsonObject> kept = new ArrayDeque<>();
    int bytes = 0;
    List<StoredEvent> events = page.events();
    for (int i = events.size() - 1; i >= 0; i--) {
      bytes += events.get(i).bytes().length();
      if (bytes > maxBytes && !kept.isEmpty()) {
        break;
      }
      kept.addFirst(message(events.get(i), page.epoch()));
    }
    return new JsonArray(List.copyOf(kept));
  }

  private static JsonObject message(StoredEvent event, String epoch) {
    Buffer bytes = event.bytes();
    JsonObject message;
    if (!event.binary()) {
      message = new JsonObject(bytes);
    } else {
      int length = bytes.getInt(0);
      message = new JsonObject(bytes.slice(4, 4 + length))
          .put(
              "data",
              Base64.getEncoder().encodeToString(bytes.getBytes(4 + length, bytes.length())));
    }
    return message.put("offset", event.offset()).put("epoch", epoch);
  }
}
