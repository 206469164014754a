package dev.hub.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The only way a session talks to its socket; tests give a recording one. */
public interface Outbound {

  /** Encodes and sends one server frame. */
  void send(JsonObject frame);

  /**
   * Sends an event already encoded; the bytes are shared with other connections.
   *
   * @param binary true for a binary frame (PROTOCOL.md section 7), false for a text frame
   */
  void sendEncoded(Buffer encodedFrame, boolean binary);

  /** Closes the connection with a WebSocket close code. Idempotent. */
  void close(int code, String reason);
}
