package dev.hub.bench.jmh;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The frames and events the benchmarks feed the hub: a chat-sized event (about 200 bytes of JSON
 * data) and a large one (about 4 KiB, a page of records), as clients send them.
 */
final class Samples {
  /** The channel every sample is for. */
  static final String CHANNEL = "room:42";

  private Samples() {}

  /** A subscribe frame, as a client sends it. */
  static String subscribeFrame() {
    return new JsonObject()
        .put("type", "subscribe")
        .put("id", 3)
        .put("channel", CHANNEL)
        .encode();
  }

  /** A publish frame around {@link #event}, as a client sends it. */
  static String publishFrame(Size size) {
    return new JsonObject()
        .put("type", "publish")
        .put("id", 17)
        .put("channel", CHANNEL)
        .put("event", event(size))
        .encode();
  }

  /** An event as a client publishes it: no timestamp, channel or from yet. */
  static JsonObject event(Size size) {
    return new JsonObject()
        .put("type", "chat.message")
        .put("data", size == Size.SMALL ? chatData() : pageData());
  }

  /** About 200 bytes: one chat message. */
  private static JsonObject chatData() {
    return new JsonObject()
        .put("room", "room-42")
        .put("author", new JsonObject().put("id", "user-1842").put("name", "Ada Lovelace"))
        .put(
            "text",
            "Did the 14:30 deploy go out? The dashboard still shows the old build on two nodes.")
        .put("sentAt", 1714564800123L)
        .put("tags", new JsonArray().add("ops").add("deploy"));
  }

  /** About 4 KiB: a page of 38 order records, numbers, strings and nesting mixed. */
  private static JsonObject pageData() {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < 38; i++) {
      rows.add(new JsonObject()
          .put("id", "ord-" + (100_000 + i * 37))
          .put(
              "customer",
              new JsonObject().put("id", 5_000 + i).put("country", i % 3 == 0 ? "DE" : "FR"))
          .put("total", 19.99 + i * 3.5)
          .put("items", i % 5 + 1)
          .put("status", i % 4 == 0 ? "shipped" : "pending"));
    }
    return new JsonObject().put("page", 3).put("pageSize", 38).put("rows", rows);
  }

  /** The two event sizes. */
  enum Size {
    SMALL,
    LARGE
  }
}
