package dev.hub.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Events as the bytes clients receive, and the one edit the hub makes to them after encoding:
 * adding {@code offset} and {@code epoch}, which are known only once the event is stored. The
 * edit splices the two fields before the closing brace instead of parsing and encoding the event
 * again.
 *
 * <p>A text event is its JSON. A binary event (docs/protocol.md section 7) is
 * {@code [4-byte big-endian length][event JSON][payload bytes]}; the splice rewrites the length.
 */
public final class EventBytes {

  private EventBytes() {}

  /** The event's JSON bytes with {@code "offset":n,"epoch":"e"} added before the closing brace. */
  public static Buffer withPosition(Buffer event, boolean binary, long offset, String epoch) {
    byte[] fields =
        (",\"offset\":" + offset + ",\"epoch\":" + quote(epoch)).getBytes(StandardCharsets.UTF_8);
    if (!binary) {
      return splice(event, 0, event.length(), fields);
    }
    int jsonLength = event.getInt(0);
    Buffer json = splice(event, 4, 4 + jsonLength, fields);
    return Buffer.buffer(4 + json.length() + event.length() - 4 - jsonLength)
        .appendInt(json.length())
        .appendBuffer(json)
        .appendBuffer(event, 4 + jsonLength, event.length() - 4 - jsonLength);
  }

  /** A binary event frame: {@code [length][event JSON][payload]}. */
  public static Buffer binary(Buffer eventJson, Buffer payload) {
    return Buffer.buffer(4 + eventJson.length() + payload.length())
        .appendInt(eventJson.length())
        .appendBuffer(eventJson)
        .appendBuffer(payload);
  }

  /** Copies {@code [from, to)} of a JSON object's bytes with {@code fields} before its last '}'. */
  private static Buffer splice(Buffer source, int from, int to, byte[] fields) {
    int close = to - 1;
    while (close > from && source.getByte(close) != '}') {
      close--;
    }
    if (source.getByte(close) != '}') {
      throw new IllegalArgumentException("not a JSON object");
    }
    boolean empty = isEmptyObject(source, from, close);
    Buffer out = Buffer.buffer(to - from + fields.length);
    out.appendBuffer(source, from, close - from);
    // {} + ,"offset"... would not be JSON: drop the leading comma.
    out.appendBytes(fields, empty ? 1 : 0, fields.length - (empty ? 1 : 0));
    out.appendBuffer(source, close, to - close);
    return out;
  }

  private static boolean isEmptyObject(Buffer source, int from, int close) {
    for (int i = close - 1; i >= from; i--) {
      byte b = source.getByte(i);
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return false;
  }

  private static String quote(String text) {
    return io.vertx.core.json.Json.encode(text);
  }
}
