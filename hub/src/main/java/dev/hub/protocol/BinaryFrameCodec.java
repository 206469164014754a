package dev.hub.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Binary client frames (docs/protocol.md section 7): {@code [4-byte big-endian header length][UTF-8 JSON
 * header][payload bytes]}, where the header is a {@code publish}, {@code broadcast} or
 * {@code direct} frame (or the event shorthand) and the payload travels as the event's data.
 */
public final class BinaryFrameCodec {

  private BinaryFrameCodec() {}

  public static ClientFrame decode(Buffer frame) {
    if (frame.length() < 4) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "a binary frame starts with a 4-byte header length");
    }
    int headerLength = frame.getInt(0);
    if (headerLength <= 0 || headerLength > frame.length() - 4) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "the binary frame's header length is out of range");
    }
    ClientFrame header = FrameCodec.decode(utf8(frame.getBytes(4, 4 + headerLength)));
    Buffer payload = frame.slice(4 + headerLength, frame.length());
    if (header instanceof ClientFrame.Publish p) {
      return new ClientFrame.Publish(p.id(), p.channel(), withoutData(p.event()), payload);
    } else if (header instanceof ClientFrame.Broadcast b) {
      return new ClientFrame.Broadcast(b.id(), withoutData(b.event()), payload);
    } else if (header instanceof ClientFrame.Direct d) {
      return new ClientFrame.Direct(d.id(), d.user(), withoutData(d.event()), payload);
    }
    throw new HubException(
        ErrorCode.INVALID_FRAME,
        "a binary frame's header is a publish, broadcast or direct frame",
        header.id());
  }

  /** The payload is the data: a {@code data} field in the header would say it twice. */
  private static JsonObject withoutData(JsonObject event) {
    JsonObject copy = event.copy();
    copy.remove("data");
    return copy;
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new HubException(
          ErrorCode.INVALID_FRAME, "the binary frame's header is not valid UTF-8");
    }
  }
}
