package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code echo} → the same object back, for clients that test their connection end to end. */
final class EchoHandler implements FrameHandler<ClientFrame.Echo> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Echo frame) {
    return Future.succeededFuture(frame.frame());
  }
}
