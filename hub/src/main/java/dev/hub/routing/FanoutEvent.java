package dev.hub.routing;

import io.vertx.core.buffer.Buffer;

/**
 * An event on its way to every node: its audience and its bytes exactly as clients receive them.
 *
 * @param offset the event's offset in a history channel, or 0 when the channel keeps no history
 * @param epoch the epoch of that offset, or null without history
 * @param binary whether the bytes are a binary frame (docs/protocol.md section 7) rather than text
 */
public record FanoutEvent(
    Audience audience, Buffer bytes, long offset, String epoch, boolean binary) {

  /** An event without a place in a history: a channel without history, a user, everyone, or a notice. */
  public static FanoutEvent unnumbered(Audience audience, Buffer bytes, boolean binary) {
    return new FanoutEvent(audience, bytes, 0, null, binary);
  }

  public boolean hasOffset() {
    return offset > 0;
  }
}
