package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class BinaryFrameCodecTest {

  private static Buffer frame(String header, byte... payload) {
    byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(json.length).appendBytes(json).appendBytes(payload);
  }

  @Test
  void publishHeaderCarriesThePayload() {
    ClientFrame frame = BinaryFrameCodec.decode(frame(
        "{\"type\":\"publish\",\"id\":1,\"channel\":\"files\",\"event\":{\"type\":\"upload\"}}",
        (byte) 9,
        (byte) 8));
    assertThat(frame).isInstanceOf(ClientFrame.Publish.class);
    ClientFrame.Publish publish = (ClientFrame.Publish) frame;
    assertThat(publish.channel()).isEqualTo("files");
    assertThat(publish.payload().getBytes()).containsExactly(9, 8);
  }

  @Test
  void dataInTheHeaderIsDroppedForThePayload() {
    ClientFrame.Broadcast frame = (ClientFrame.Broadcast) BinaryFrameCodec.decode(
        frame("{\"type\":\"broadcast\",\"event\":{\"type\":\"blob\",\"data\":\"x\"}}", (byte) 1));
    assertThat(frame.event().containsKey("data")).isFalse();
  }

  @Test
  void shorthandEventHeaderIsABroadcast() {
    assertThat(BinaryFrameCodec.decode(frame("{\"type\":\"chat\"}", (byte) 1)))
        .isInstanceOf(ClientFrame.Broadcast.class);
  }

  @Test
  void tooShortFrameIsInvalid() {
    assertThatThrownBy(() -> BinaryFrameCodec.decode(Buffer.buffer(new byte[] {0, 0})))
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FRAME));
  }

  @Test
  void headerLengthPastTheEndIsInvalid() {
    assertThatThrownBy(
            () -> BinaryFrameCodec.decode(Buffer.buffer().appendInt(500).appendString("{}")))
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FRAME));
  }

  @Test
  void headerThatIsNotAnEventFrameIsInvalid() {
    assertThatThrownBy(() ->
            BinaryFrameCodec.decode(frame("{\"type\":\"subscribe\",\"id\":3,\"channel\":\"x\"}")))
        .isInstanceOfSatisfying(HubException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FRAME);
          assertThat(e.requestId()).isEqualTo(3);
        });
  }

  @Test
  void headerThatIsNotUtf8IsInvalid() {
    Buffer bad = Buffer.buffer().appendInt(2).appendBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThatThrownBy(() -> BinaryFrameCodec.decode(bad))
        .isInstanceOfSatisfying(
            HubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FRAME));
  }
}
