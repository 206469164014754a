package dev.hub.load;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The load generator's frames, and the cheap way it reads its events back. An event is
 * {@code {"type":"load","s":<sequence>,"t":<send time>,"p":"xxx..."}}, padded to the payload size;
 * a hub adds its own fields after these (docs/protocol.md section 3), a baseline server returns it
 * unchanged. Subscribers find {@code "s":} and {@code "t":} by scanning bytes, never parsing the
 * frame: at tens of thousands of deliveries a second, a JSON parse per delivery would make the load
 * generator the thing measured.
 */
final class LoadFrames {
  static final String EVENT_TYPE = "load";
  /** The smallest event: empty padding, one-digit numbers. */
  static final int MIN_EVENT_BYTES = event(0, 0, 0).length();

  private static final byte[] SEQUENCE = marker("s");
  private static final byte[] SENT_AT = marker("t");
  private static final byte[] ID = marker("id");
  private static final byte[] ACK = "\"type\":\"ack\"".getBytes(StandardCharsets.US_ASCII);
  private static final String PREFIX = "{\"type\":\"" + EVENT_TYPE + "\",\"s\":";

  /** What {@link #number} returns when the marker is absent. */
  static final long ABSENT = Long.MIN_VALUE;

  private LoadFrames() {}

  /** A hub frame other than an event, parsed whole (they are rare); null if it is not a JSON object. */
  static JsonObject control(Buffer message) {
    try {
      return new JsonObject(message);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static byte[] marker(String key) {
    return ("\"" + key + "\":").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The event for this sequence number and send time (nanoseconds on the run's {@link Timeline}),
   * padded so its JSON is {@code payloadBytes} long when that is more than its fixed fields.
   */
  static String event(long sequence, long sentAt, int payloadBytes) {
    StringBuilder text = new StringBuilder(Math.max(payloadBytes, 64))
        .append(PREFIX)
        .append(sequence)
        .append(",\"t\":")
        .append(sentAt)
        .append(",\"p\":\"");
    int padding = payloadBytes - text.length() - 2;
    for (int i = 0; i < padding; i++) {
      text.append('x');
    }
    return text.append("\"}").toString();
  }

  /** A hub {@code publish} frame for the event; its {@code id} is the sequence number, so acks name it. */
  static String publish(String channel, long sequence, long sentAt, int payloadBytes) {
    return "{\"type\":\"publish\",\"id\":" + sequence + ",\"channel\":\"" + channel
        + "\",\"event\":" + event(sequence, sentAt, payloadBytes) + "}";
  }

  static String subscribe(String channel) {
    return "{\"type\":\"subscribe\",\"id\":\"load\",\"channel\":\"" + channel + "\"}";
  }

  /** The event's sequence number, or {@link #ABSENT} when the message is not a load event. */
  static long sequence(Buffer message) {
    return number(message, SEQUENCE);
  }

  /** The event's send time, or {@link #ABSENT}. */
  static long sentAt(Buffer message) {
    return number(message, SENT_AT);
  }

  /** The {@code id} of a hub reply, or {@link #ABSENT}. */
  static long id(Buffer message) {
    return number(message, ID);
  }

  static boolean isAck(Buffer message) {
    return indexOf(message, ACK) >= 0;
  }

  /** The integer after the first occurrence of the marker, or {@link #ABSENT}. */
  static long number(Buffer message, byte[] marker) {
    int at = indexOf(message, marker);
    if (at < 0) {
      return ABSENT;
    }
    int i = at + marker.length;
    int end = message.length();
    boolean negative = i < end && message.getByte(i) == '-';
    if (negative) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end; i++, digits++) {
      byte b = message.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      value = value * 10 + (b - '0');
    }
    if (digits == 0) {
      return ABSENT;
    }
    return negative ? -value : value;
  }

  static int indexOf(Buffer message, byte[] marker) {
    int last = message.length() - marker.length;
    for (int i = 0; i <= last; i++) {
      int j = 0;
      while (j < marker.length && message.getByte(i + j) == marker[j]) {
        j++;
      }
      if (j == marker.length) {
        return i;
      }
    }
    return -1;
  }
}
