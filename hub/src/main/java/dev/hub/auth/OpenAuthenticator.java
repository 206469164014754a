package dev.hub.auth;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Open (development) mode: every connection is accepted with every permission, as the user it
 * names with {@code ?user=} or as nobody. An {@code auth} frame is accepted as it is and changes nothing, so clients
 * written for a secured hub run unchanged against a development node.
 */
public final class OpenAuthenticator implements Authenticator {

  @Override
  public Future<Optional<Identity>> authenticate(Credentials credentials) {
    String user = credentials.requestedUser();
    if (user != null && user.isBlank()) {
      user = null;
    }
    return Future.succeededFuture(Optional.of(new Identity(user, Grants.everything(), null)));
  }

  @Override
  public Future<Identity> authenticate(String token, Identity current) {
    return Future.succeededFuture(
        current != null ? current : new Identity(null, Grants.everything(), null));
  }
}
