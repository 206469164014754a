package dev.hub.client;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One channel the client is subscribed to: its subscriptions, its resume position and a pending
 * retry. The position moves only on the channel's own events, only forward within the epoch held,
 * and to another epoch only on the server's {@code subscribed} (docs/protocol.md section 6), so an
 * event that names another epoch, or a position far ahead in one, cannot make the client skip
 * real events when it resumes. Touched on the client's context only.
 */
final class ChannelState {
  final List<Subscription> subscriptions = new ArrayList<>();
  final Promise<JsonObject> ready = Promise.promise();
  int retries;
  long retryTimer = -1;
  private boolean history;
  private Long offset;
  private String epoch;

  /** What to resume from, or null when nothing is held. */
  JsonObject since() {
    return offset == null || epoch == null
        ? null
        : new JsonObject().put("offset", offset).put("epoch", epoch);
  }

  /**
   * A reply to our subscribe. A history channel's carries its position (epoch null while it has
   * none yet); without recovery nothing is replayed, so the latest is the position. With recovery
   * the replayed events carry their own offsets.
   */
  void replied(JsonObject reply) {
    history = reply.getValue("offset") instanceof Number;
    if (history && !Boolean.TRUE.equals(reply.getValue("recovered"))) {
      offset = reply.getLong("offset");
      epoch = reply.getValue("epoch") instanceof String e ? e : null;
    }
  }

  /** The server's own {@code subscribed}: the epoch changed under the subscription. False if it carries no position. */
  boolean adopt(JsonObject subscribed) {
    if (!(subscribed.getValue("offset") instanceof Number)) {
      return false;
    }
    history = true;
    offset = subscribed.getLong("offset");
    epoch = subscribed.getValue("epoch") instanceof String e ? e : null;
    return true;
  }

  /** Moves the position for one of the channel's events; false for a duplicate, which is dropped. */
  boolean advance(JsonObject event) {
    if (!history
        || !(event.getValue("offset") instanceof Number number)
        || !(event.getValue("epoch") instanceof String named)) {
      return true;
    }
    long at = number.longValue();
    if (epoch == null) {
      // A history channel with no epoch yet: its first event starts one.
      if (at > (offset == null ? 0 : offset)) {
        offset = at;
        epoch = named;
      }
      return true;
    }
    if (!named.equals(epoch)) {
      return true;
    }
    // Recovery replays from `since`; anything at or below what we have is a duplicate.
    if (at <= offset) {
      return false;
    }
    offset = at;
    return true;
  }
}
