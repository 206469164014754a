package dev.hub.transport;

import dev.hub.internals.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;

/**
 * A server's WebSocket frame as bytes (RFC 6455 section 5.2): one final frame, unmasked, header
 * and payload in one buffer. Servers do not mask, so these bytes are valid as they are on every
 * connection: an event's frame is made once and written to all its sockets.
 */
final class WebSocketWire {
  private static final int FIN = 0x80;
  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;
  private static final int TWO_BYTE_LENGTH = 126;
  private static final int EIGHT_BYTE_LENGTH = 127;

  private WebSocketWire() {}

  /**
   * The whole frame carrying {@code payload}, in a direct buffer (the socket writes from direct
   * memory; a heap buffer would be copied once more per socket on its way out).
   */
  static ByteBuf frame(ByteBufAllocator alloc, Buffer payload, boolean binary) {
    int length = payload.length();
    ByteBuf frame = alloc.directBuffer(headerLength(length) + length);
    frame.writeByte(FIN | (binary ? BINARY : TEXT));
    if (length < TWO_BYTE_LENGTH) {
      frame.writeByte(length);
    } else if (length <= 0xFFFF) {
      frame.writeByte(TWO_BYTE_LENGTH);
      frame.writeShort(length);
    } else {
      frame.writeByte(EIGHT_BYTE_LENGTH);
      frame.writeLong(length);
    }
    frame.writeBytes(VertxInternals.byteBuf(payload));
    return frame;
  }

  static int headerLength(int payloadLength) {
    if (payloadLength < TWO_BYTE_LENGTH) {
      return 2;
    }
    return payloadLength <= 0xFFFF ? 4 : 10;
  }
}
