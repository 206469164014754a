package dev.hub.session;

import dev.hub.config.ChannelOptions;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.routing.Audience;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code publish} (and the shorthand with a channel): an event for a channel's subscribers. */
final class PublishHandler implements FrameHandler<ClientFrame.Publish> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Publish frame) {
    if (!session.identity().grants().mayPublish(frame.channel())) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to publish to " + frame.channel());
    }
    ChannelOptions options = session.services().config().channelOptions(frame.channel());
    if (options != null && !options.clientPublish()) {
      throw new HubException(ErrorCode.FORBIDDEN, "only servers publish to " + frame.channel());
    }
    return session
        .services()
        .publisher()
        .publishFromClient(
            Audience.channel(frame.channel()),
            frame.event(),
            session.user(),
            frame.payload(),
            session.channelAdmission())
        .map(receipt -> Acks.ackIfAsked(frame.id(), receipt));
  }
}
