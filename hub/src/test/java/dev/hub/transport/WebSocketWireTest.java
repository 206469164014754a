package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames made once for every socket are the bytes Netty's own server encoder makes for one. */
class WebSocketWireTest {

  @ParameterizedTest
  // Around each boundary of the length field: 7 bits, 16 bits, 64 bits.
  @ValueSource(ints = {0, 1, 125, 126, 127, 1024, 1025, 65_535, 65_536, 70_000})
  void aTextFrameIsWhatNettysEncoderWrites(int length) {
    byte[] payload = randomBytes(length);
    ByteBuf frame =
        WebSocketWire.frame(UnpooledByteBufAllocator.DEFAULT, Buffer.buffer(payload), false);
    try {
      assertThat(ByteBufUtil.getBytes(frame))
          .isEqualTo(nettyEncodes(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload))));
      assertThat(frame.isDirect())
          .as("direct, so that no socket copies it again")
          .isTrue();
    } finally {
      frame.release();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 125, 126, 65_535, 65_536})
  void aBinaryFrameIsWhatNettysEncoderWrites(int length) {
    byte[] payload = randomBytes(length);
    ByteBuf frame =
        WebSocketWire.frame(UnpooledByteBufAllocator.DEFAULT, Buffer.buffer(payload), true);
    try {
      assertThat(ByteBufUtil.getBytes(frame))
          .isEqualTo(nettyEncodes(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))));
    } finally {
      frame.release();
    }
  }

  @Test
  void thePayloadIsCopiedNotShared() {
    Buffer payload = Buffer.buffer("{\"type\":\"event\"}");
    ByteBuf frame = WebSocketWire.frame(UnpooledByteBufAllocator.DEFAULT, payload, false);
    try {
      payload.setByte(0, (byte) '[');
      assertThat(frame.getByte(2)).isEqualTo((byte) '{');
    } finally {
      frame.release();
    }
  }

  /** What a server's (unmasked) RFC 6455 encoder writes for the frame, all buffers in one array. */
  private static byte[] nettyEncodes(Object frame) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    channel.writeOutbound(frame);
    ByteBuf all = Unpooled.buffer();
    for (Object written; (written = channel.readOutbound()) != null; ) {
      all.writeBytes((ByteBuf) written);
      ReferenceCountUtil.release(written);
    }
    channel.finishAndReleaseAll();
    return ByteBufUtil.getBytes(all);
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
