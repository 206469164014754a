package dev.hub.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A text frame over bytes that are already UTF-8 JSON. Vert.x's public API builds text frames
 * from a {@code String} and encodes it again for every socket; this wraps a slice of the shared
 * buffer instead, so one event is encoded once and written to every connection as it is. A slice
 * has its own reader index, so the writes do not disturb each other.
 */
final class SharedTextFrame {
  private SharedTextFrame() {}

  static WebSocketFrame of(Buffer utf8Json) {
    return new WebSocketFrameImpl(
        WebSocketFrameType.TEXT, ((BufferInternal) utf8Json).getByteBuf(), true);
  }
}
