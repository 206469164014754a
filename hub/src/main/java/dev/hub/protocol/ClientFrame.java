package dev.hub.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A frame a client sends, decoded and validated (docs/protocol.md section 2). Every frame may carry an
 * {@code id} (a string or a number, else null) that the reply to it repeats.
 */
public sealed interface ClientFrame {

  /** The request id to repeat in the reply, or null. */
  Object id();

  /** {@code {"type":"auth","token":...}}: authenticate, or refresh the token of a live connection. */
  record Auth(Object id, String token) implements ClientFrame {}

  /** {@code {"type":"ping"}}: answered with {@code pong}. */
  record Ping(Object id) implements ClientFrame {}

  /** {@code {"type":"subscribe","channel":...}}, {@code since} is null unless recovery is asked. */
  record Subscribe(Object id, String channel, StreamPosition since) implements ClientFrame {}

  /** {@code {"type":"unsubscribe","channel":...}}. */
  record Unsubscribe(Object id, String channel) implements ClientFrame {}

  /**
   * An event for a channel's subscribers: {@code publish}, or the shorthand with a channel.
   * {@code payload} is the binary part of a binary frame (section 7), else null.
   */
  record Publish(Object id, String channel, JsonObject event, Buffer payload)
      implements ClientFrame {
    public Publish(Object id, String channel, JsonObject event) {
      this(id, channel, event, null);
    }
  }

  /** An event for everyone: {@code broadcast}, or the shorthand without a channel. */
  record Broadcast(Object id, JsonObject event, Buffer payload) implements ClientFrame {
    public Broadcast(Object id, JsonObject event) {
      this(id, event, null);
    }
  }

  /** An event for every connection of one user. */
  record Direct(Object id, String user, JsonObject event, Buffer payload) implements ClientFrame {
    public Direct(Object id, String user, JsonObject event) {
      this(id, user, event, null);
    }
  }

  /** Who is subscribed to a channel. */
  record Presence(Object id, String channel) implements ClientFrame {}

  /** A channel's stored events, after {@code since} when given, at most {@code limit} (null: all). */
  record History(Object id, String channel, StreamPosition since, Integer limit)
      implements ClientFrame {}

  /** A request to a JVM service on the event bus; {@code timeoutMs} is null for the default. */
  record Rpc(Object id, String address, Object body, Long timeoutMs) implements ClientFrame {}

  /** Anything, sent straight back. */
  record Echo(Object id, JsonObject frame) implements ClientFrame {}
}
