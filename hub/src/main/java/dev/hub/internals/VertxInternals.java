package dev.hub.internals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.auth.NoSuchKeyIdException;
import java.lang.reflect.Field;
import java.util.Queue;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The Vert.x 5.0 internals the hub uses (vertx-core, and the texts of vertx-auth-jwt's failures):
 * the Netty channel under a connection, the name and the connection of Vert.x's handler in a
 * channel's pipeline, a buffer's bytes, a text frame over bytes already encoded, the cluster
 * manager, and the fields {@code SocketFootprint} trims. {@code VertxInternalsTest} checks each
 * against the Vert.x on the class path, on real sockets.
 */
public final class VertxInternals {
  /** Vert.x's name for its handler at the end of every channel pipeline it builds. */
  public static final String PIPELINE_HANDLER = "handler";

  /** Why a JWT was refused, read from vertx-auth-jwt's failure, whose texts are not a contract. */
  public enum JwtRefusal {
    /** Past its exp, or before its nbf: vertx-auth-jwt says "expired" for both. */
    EXPIRED,
    ISSUER,
    AUDIENCE,
    UNSIGNED,
    BAD_SIGNATURE,
    /** Its kid names no key the provider holds. */
    UNKNOWN_KEY,
    /** Anything else: not a JWT, or a failure this version words otherwise. */
    OTHER
  }

  private static final Field[] SOCKET_FIELDS;
  private static final String SOCKET_FIELDS_ERROR;

  static {
    Field[] fields = null;
    String error = null;
    try {
      fields = new Field[] {
        accessible(VertxHandler.class, "connectionFactory"),
        accessible(VertxConnection.class, "outboundMessageQueue"),
        accessible(Class.forName("io.vertx.core.internal.concurrent.OutboundMessageQueue"), "mqp"),
        accessible(Class.forName("io.vertx.core.streams.impl.MessagePassingQueue"), "queue")
      };
    } catch (ReflectiveOperationException | RuntimeException e) {
      error = e.toString();
    }
    SOCKET_FIELDS = fields;
    SOCKET_FIELDS_ERROR = error;
  }

  private VertxInternals() {}

  /** The cluster manager of a clustered Vert.x; null when it is not clustered. */
  public static ClusterManager clusterManager(Vertx vertx) {
    return ((VertxInternal) vertx).clusterManager();
  }

  /**
   * The Netty channel under an HTTP connection (which vertx-web hides behind its own wrapper of the
   * request; the connection does not); null when it cannot be had.
   */
  public static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }

  /**
   * The bytes of a buffer as Netty holds them, not copied: a slice with a reader index of its own,
   * so that writing it to one socket does not consume it for the next.
   */
  public static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }

  /**
   * A final text frame over bytes that are already UTF-8 (the public API builds text frames from a
   * {@code String} and encodes it again for every socket).
   */
  public static WebSocketFrame textFrame(Buffer utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, byteBuf(utf8), true);
  }

  /**
   * What tells Vert.x's meters ({@code vertx_http_server_bytes_written}) of bytes written into the
   * channel below Vert.x; null when the channel has no Vert.x handler with a connection.
   */
  public static LongConsumer bytesWrittenMeter(Channel channel) {
    VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
    VertxConnection connection = handler == null ? null : handler.getConnection();
    return connection == null ? null : connection::reportBytesWritten;
  }

  /** Null when {@link #trimUpgradedSocket} can work in this Vert.x; else what is missing. */
  public static String socketFieldsMissing() {
    return SOCKET_FIELDS_ERROR;
  }

  /**
   * For {@code SocketFootprint}, which says why: drops the factory that made an upgraded
   * WebSocket's connection (it holds the HTTP connection the socket was upgraded from), and swaps
   * the WebSocket's outbound message queue for what {@code replacement} makes of it (null keeps
   * it). Call on the channel's event loop, before anything is written to the socket.
   *
   * @return false when nothing was done: the channel carries no upgraded WebSocket, or this Vert.x
   *     lacks the fields
   */
  @SuppressWarnings("unchecked")
  public static boolean trimUpgradedSocket(
      Channel channel, UnaryOperator<Queue<Object>> replacement) {
    if (SOCKET_FIELDS == null) {
      return false;
    }
    VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
    if (handler == null
        || handler.getConnection() == null
        || handler.getConnection() instanceof HttpConnection) {
      return false;
    }
    try {
      // Used once, when the handler was added to the pipeline, which the upgrade did.
      SOCKET_FIELDS[0].set(handler, null);
      Object passing = SOCKET_FIELDS[2].get(SOCKET_FIELDS[1].get(handler.getConnection()));
      Queue<Object> smaller = replacement.apply((Queue<Object>) SOCKET_FIELDS[3].get(passing));
      if (smaller != null) {
        SOCKET_FIELDS[3].set(passing, smaller);
      }
      return true;
    } catch (IllegalAccessException | RuntimeException e) {
      return false;
    }
  }

  /** Why vertx-auth-jwt refused a token, from its failure. */
  public static JwtRefusal jwtRefusal(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    if (message.contains("expired")) {
      return JwtRefusal.EXPIRED;
    }
    if (message.contains("issuer")) {
      return JwtRefusal.ISSUER;
    }
    if (message.contains("aud")) {
      return JwtRefusal.AUDIENCE;
    }
    if (message.contains("\"none\"")
        || message.contains("not signed")
        || message.contains("Signature is required")) {
      return JwtRefusal.UNSIGNED;
    }
    if (message.contains("Signature verification failed")) {
      return JwtRefusal.BAD_SIGNATURE;
    }
    if (failure instanceof NoSuchKeyIdException) {
      return JwtRefusal.UNKNOWN_KEY;
    }
    return JwtRefusal.OTHER;
  }

  private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }
}
