package dev.hub.auth;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Turns what a client presents into an {@link Identity}. This is the seam between the transport
 * and however tokens are checked: open mode today, JWT verification beside it.
 */
public interface Authenticator {

  /**
   * Authenticates a connection before the WebSocket upgrade.
   *
   * @return the identity; empty when the client gave no token and may still send an {@code auth}
   *     frame; a failed future with an {@code unauthorized} {@link dev.hub.protocol.HubException}
   *     when what it gave is refused (HTTP 401 before the upgrade)
   */
  Future<Optional<Identity>> authenticate(Credentials credentials);

  /**
   * Authenticates the token of an {@code auth} frame (first frame, or a refresh on a live
   * connection). Fails with {@code unauthorized} when the token is refused.
   *
   * @param current the connection's identity so far, or null before its first {@code auth}
   */
  Future<Identity> authenticate(String token, Identity current);
}
