package dev.hub.session;

import dev.hub.auth.Identity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The only way a session talks to its socket; tests give a recording one. */
public interface Outbound {

  /** Encodes and sends one server frame. */
  void send(JsonObject frame);

  /**
   * Sends an event already encoded; the bytes are shared with other connections.
   *
   * @param binary true for a binary frame (docs/protocol.md section 7), false for a text frame
   */
  void sendEncoded(Buffer encodedFrame, boolean binary);

  /**
   * Whether the client keeps up: true while the bytes written and not yet sent are under half the
   * outbound bound. A replay of history writes only while this holds, so that a long one is paced by
   * the client's reading instead of overrunning the bound.
   */
  default boolean writable() {
    return true;
  }

  /** Completes once {@link #writable()} holds again (at once if it does), or fails if the connection closes. */
  default Future<Void> whenWritable() {
    return Future.succeededFuture();
  }

  /** Closes the connection with a WebSocket close code. Idempotent. */
  void close(int code, String reason);

  /**
   * The connection has an identity, its first or a refreshed one: the transport counts the user
   * against the per-user limit (first time only) and arms the token's expiry.
   *
   * @return false when the user already holds as many connections as allowed; the session then
   *     refuses with {@code too_many_connections}
   */
  default boolean identified(Identity identity) {
    return true;
  }
}
