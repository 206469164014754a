package dev.hub.session;

import dev.hub.protocol.ServerFrames;
import dev.hub.routing.PublishReceipt;
import io.vertx.core.json.JsonObject;

/** The reply to an event a client sent: an {@code ack} only when the frame had an {@code id}. */
final class Acks {
  private Acks() {}

  static JsonObject ackIfAsked(Object id, PublishReceipt receipt) {
    return id == null ? null : ServerFrames.ack(id, receipt.offset(), receipt.epoch());
  }
}
