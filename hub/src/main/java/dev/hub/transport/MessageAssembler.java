package dev.hub.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Joins a message's frames (a text or binary frame, then continuations) and decodes text strictly
 * as UTF-8. Vert.x's own text handler replaces invalid bytes with U+FFFD without a word, so a
 * client would never learn its frames are corrupt; here invalid UTF-8 is an outcome of its own.
 * The size limit applies while frames arrive, so an oversized message is refused before it is
 * held whole. One per connection; not thread-safe.
 */
final class MessageAssembler {
  /** What a frame completed. */
  sealed interface Outcome {}

  /** A whole text message, and its length in bytes. */
  record Text(String text, int bytes) implements Outcome {}

  /** A whole binary message. */
  record Binary(Buffer data) implements Outcome {}

  /** The message passed the size limit; the rest of it is ignored. */
  record TooLarge() implements Outcome {}

  /** A text message that is not UTF-8. */
  record InvalidUtf8() implements Outcome {}

  private final int maxBytes;
  private Buffer pending;
  private boolean pendingText;
  private boolean discarding;

  MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** @return the outcome when the frame ends a message, else null */
  Outcome add(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      pending = Buffer.buffer();
      pendingText = frame.isText();
      discarding = false;
    } else if (!frame.isContinuation() || pending == null) {
      return null;
    }
    if (discarding) {
      return frame.isFinal() ? finish(null) : null;
    }
    pending.appendBuffer(frame.binaryData());
    if (pending.length() > maxBytes) {
      discarding = true;
      pending = Buffer.buffer();
      return new TooLarge();
    }
    return frame.isFinal() ? finish(pending) : null;
  }

  private Outcome finish(Buffer data) {
    pending = null;
    if (data == null) {
      return null;
    }
    if (!pendingText) {
      return new Binary(data);
    }
    try {
      return new Text(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(data.getBytes()))
              .toString(),
          data.length());
    } catch (CharacterCodingException e) {
      return new InvalidUtf8();
    }
  }
}
