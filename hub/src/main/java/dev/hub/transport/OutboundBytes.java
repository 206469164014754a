package dev.hub.transport;

import dev.hub.internals.NettyInternals;
import dev.hub.internals.VertxInternals;
import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;

/**
 * The bytes one connection has written that the kernel has not taken yet, held against
 * {@code outboundBytes}. The hub counts its own writes from the write until Netty reports them
 * handed to the kernel, so the bound covers Vert.x's queue and Netty's buffer alike and does not
 * depend on when Netty updates its writability. Netty's own figure is read as well: it also holds
 * what Vert.x writes by itself, the pong to every ping. Frames go below Vert.x ({@link SocketWrites})
 * when the socket allows, else through Vert.x; the count is the same either way. Runs on the
 * connection's event loop.
 */
final class OutboundBytes {
  private final ServerWebSocket ws;
  private final Channel channel;
  private final int limit;
  private final ConnectionGate gate;
  private final Context context;
  /** Null when frames go through Vert.x's {@code writeFrame}. */
  private final SocketWrites socket;

  private long queued;
  /** A replay waiting for the client to read: completed once the unsent bytes are under half the limit. */
  private Promise<Void> underHalfAgain;

  /**
   * @param channel the socket's Netty channel, or null when it cannot be had (then only the hub's count)
   * @param context the connection's context, where a waiting replay resumes
   */
  OutboundBytes(
      ServerWebSocket ws, Channel channel, int limit, ConnectionGate gate, Context context) {
    this.ws = ws;
    this.context = context;
    this.channel = channel;
    this.limit = limit;
    this.gate = gate;
    this.socket = SocketWrites.of(channel);
    // Past this many bytes Netty calls the channel unwritable, and the ChannelGuard hears of it.
    ws.setWriteQueueMaxSize(limit);
  }

  /**
   * True when {@code size} more bytes would pass the limit. A first frame always passes, whatever
   * its size, so a single frame larger than the limit can still be sent. Frames held back for the
   * end of the turn are handed to the kernel before the verdict, so that they count only if the
   * kernel does not take them: the client is judged on what it reads, not on when the node flushes.
   */
  boolean wouldPass(int size) {
    if (!over(size)) {
      return false;
    }
    if (socket != null && socket.unflushed()) {
      socket.flush();
      return over(size);
    }
    return true;
  }

  private boolean over(int size) {
    // Netty's figure too: below Vert.x, nothing else stops the hub's frames once the channel is
    // full.
    return (queued > 0 && queued + size > limit)
        || ws.writeQueueFull()
        || (socket != null && !socket.channelWritable());
  }

  /**
   * Writes one frame, counted until its bytes are handed to the kernel.
   *
   * @param shared true for an event's bytes, which go to other sockets too (see {@link SocketWrites#write})
   */
  void write(Buffer payload, boolean binary, boolean shared) {
    int size = payload.length();
    queued += size;
    gate.recordOutbound(queued);
    // Both complete on this event loop once the bytes left the node (or the socket failed).
    if (socket != null) {
      socket.write(payload, binary, shared, written -> sent(size));
    } else {
      // A text frame over the event's UTF-8 bytes as they are, not a String to encode again for
      // every socket.
      ws.writeFrame(
              binary
                  ? WebSocketFrame.binaryFrame(payload, true)
                  : VertxInternals.textFrame(payload))
          .onComplete(done -> sent(size));
    }
  }

  private void sent(int size) {
    queued -= size;
    if (underHalfAgain != null && queued <= limit / 2) {
      Promise<Void> waiting = underHalfAgain;
      underHalfAgain = null;
      // In a task of its own: this runs inside a flush, which may be one made in the middle of
      // another write (wouldPass); the replay it resumes must not write ahead of that one.
      context.runOnContext(v -> waiting.complete());
    }
  }

  /**
   * Whether the client keeps up: under half the limit is waiting. A history replay writes only
   * while this holds, so that it is paced by the client's reading instead of passing the limit.
   */
  boolean underHalf() {
    if (queued > limit / 2 && socket != null && socket.unflushed()) {
      socket.flush(); // judged on what the kernel does not take, as in wouldPass
    }
    return queued <= limit / 2;
  }

  /** Completes once {@link #underHalf()} holds again (at once if it does). */
  Future<Void> whenUnderHalf() {
    if (underHalf()) {
      return Future.succeededFuture();
    }
    if (underHalfAgain == null) {
      underHalfAgain = Promise.promise();
    }
    return underHalfAgain.future();
  }

  /** The connection closed: a replay waiting for it gives up. */
  void closed() {
    if (underHalfAgain != null) {
      underHalfAgain.tryFail("the connection closed");
      underHalfAgain = null;
    }
  }

  /**
   * Records Netty's figure in the node's peak when it is higher than the hub's: after a pong,
   * which Vert.x writes without the hub. Netty's figure counts frame headers and its own overhead
   * per write (96 bytes) too, so it is higher for many small frames.
   */
  void recordPeak() {
    long pending = channel == null ? -1 : NettyInternals.pendingWriteBytes(channel);
    gate.recordOutbound(Math.max(queued, pending));
  }

  int limit() {
    return limit;
  }
}
