package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Handles one client frame type.
 *
 * @param <F> the frame type
 */
@FunctionalInterface
interface FrameHandler<F extends ClientFrame> {

  /**
   * @return the reply frame, or null for none; fails (or throws) with a
   *     {@link dev.hub.protocol.HubException} that the session turns into an error frame
   */
  Future<JsonObject> handle(Session session, F frame);
}
