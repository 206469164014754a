package dev.hub.session;

import dev.hub.history.HistoryQuery;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameTypes;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code history}: a channel's stored events, for connections that may subscribe to it. */
final class HistoryHandler implements FrameHandler<ClientFrame.History> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.History frame) {
    if (!session.identity().grants().maySubscribe(frame.channel())) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to read " + frame.channel());
    }
    SessionServices services = session.services();
    return new HistoryQuery(services.history(), services.config())
        .query(frame.channel(), frame.since(), frame.limit())
        .map(history -> ServerFrames.reply(FrameTypes.HISTORY, frame.id(), history));
  }
}
