package dev.hub.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The only way a session talks to its socket; tests give a recording one. */
public interface Outbound {

  /** Encodes and sends one server frame. */
  void send(JsonObject frame);

  /** Sends an event already encoded as a text frame; the buffer is shared with other connections. */
  void sendEncoded(Buffer encodedFrame);

  /** Closes the connection with a WebSocket close code. Idempotent. */
  void close(int code, String reason);
}
