package dev.hub.session;

import dev.hub.config.ChannelOptions;
import dev.hub.history.HistoryQuery;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameTypes;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code history}: a channel's stored events, for connections that may subscribe to it. */
final class HistoryHandler implements FrameHandler<ClientFrame.History> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.History frame) {
    if (!session.identity().grants().maySubscribe(frame.channel())) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to read " + frame.channel());
    }
    ChannelOptions options = session.services().config().channelOptions(frame.channel());
    if (options == null || !options.hasHistory()) {
      throw new HubException(ErrorCode.INVALID_FRAME, "no history is kept for " + frame.channel());
    }
    return new HistoryQuery(session.services().history()).query(frame.channel(), frame.since(), frame.limit())
        .map(history -> withType(frame.id(), history));
  }

  private static JsonObject withType(Object id, JsonObject history) {
    JsonObject reply = new JsonObject().put("type", FrameTypes.HISTORY);
    if (id != null) {
      reply.put("id", id);
    }
    return reply.mergeIn(history);
  }
}
