package dev.hub.session;

import dev.hub.auth.Identity;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * {@code auth}: authenticates a connection that came without a token, or refreshes the token of a
 * live one. A refresh must be for the same user: a connection is registered and counted under its
 * user and never changes hands, so a token for another user is refused with {@code unauthorized}
 * (close 4401). A refresh replaces the grants, and the subscriptions they no longer allow end.
 */
final class AuthHandler implements FrameHandler<ClientFrame.Auth> {
  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Auth frame) {
    Identity current = session.identity();
    return session
        .services()
        .authenticator()
        .authenticate(frame.token(), current)
        .map(fresh -> {
          if (current != null && !Objects.equals(current.user(), fresh.user())) {
            throw new HubException(ErrorCode.UNAUTHORIZED, "the token is for another user");
          }
          session.authenticated(fresh);
          if (current != null) {
            session.endForbiddenSubscriptions();
          }
          return ServerFrames.authenticated(frame.id(), fresh.user());
        });
  }
}
