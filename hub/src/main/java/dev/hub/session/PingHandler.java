package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code ping} → {@code pong}: an application-level keepalive for clients that cannot see WebSocket pings. */
final class PingHandler implements FrameHandler<ClientFrame.Ping> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Ping frame) {
    return Future.succeededFuture(
        ServerFrames.pong(frame.id(), session.services().clock().instant()));
  }
}
