package dev.hub.routing;

import dev.hub.protocol.EventBytes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Events as the routing classes see them: the bytes clients receive, with audience and position. */
final class TestEvents {
  private TestEvents() {}

  /** {@code {"type":"e","n":n}} for an audience, without a place in a history. */
  static FanoutEvent unnumbered(Audience audience, int n) {
    return FanoutEvent.unnumbered(audience, json(n), false);
  }

  /** The event {@code n} of a history channel's {@code epoch} at offset {@code n}, as a node publishes it. */
  static FanoutEvent numbered(String channel, long n, String epoch) {
    return new FanoutEvent(
        Audience.channel(channel),
        EventBytes.withPosition(json(n), false, n, epoch),
        n,
        epoch,
        false);
  }

  /** The bytes a history stores for event {@code n}: without offset and epoch. */
  static Buffer json(long n) {
    return Buffer.buffer(new JsonObject().put("type", "e").put("n", n).encode());
  }

  /** An epoch begun at {@code millis}, as {@link dev.hub.history.Epochs#fresh()} writes one. */
  static String epochAt(long millis, String suffix) {
    return Long.toString(millis, 36) + "-" + suffix;
  }
}
