package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code presence}, {@code history} and {@code rpc}: valid frames this version does not serve yet.
 * They get a clear error instead of silence, so a client never waits for a reply that cannot come.
 */
final class NotYetHandler implements FrameHandler<ClientFrame> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame frame) {
    String type = frame.getClass().getSimpleName().toLowerCase();
    throw new HubException(ErrorCode.INVALID_FRAME, "\"" + type + "\" is not served by this version of the hub");
  }
}
