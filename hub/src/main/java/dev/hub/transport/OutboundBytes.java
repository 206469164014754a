package dev.hub.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;

/**
 * The bytes one connection has written that the kernel has not taken yet, held against
 * {@code outboundBytes}. The hub counts its own writes from the write until Netty reports them
 * handed to the kernel, so the bound covers Vert.x's queue and Netty's buffer alike and does not
 * depend on when Netty updates its writability. Netty's own figure is read as well: it also holds
 * what Vert.x writes by itself, the pong to every ping. Runs on the connection's event loop.
 */
final class OutboundBytes {
  private final ServerWebSocket ws;
  private final Channel channel;
  private final int limit;
  private final ConnectionGate gate;
  private long queued;
  /** A replay waiting for the client to read: completed once the unsent bytes are under half the limit. */
  private Promise<Void> underHalfAgain;

  /** @param channel the socket's Netty channel, or null when it cannot be had (then only the hub's count) */
  OutboundBytes(ServerWebSocket ws, Channel channel, int limit, ConnectionGate gate) {
    this.ws = ws;
    this.channel = channel;
    this.limit = limit;
    this.gate = gate;
    // Past this many bytes Netty calls the channel unwritable, and the ChannelGuard hears of it.
    ws.setWriteQueueMaxSize(limit);
  }

  /**
   * True when {@code size} more bytes would pass the limit. A first frame always passes, whatever
   * its size, so a single frame larger than the limit can still be sent.
   */
  boolean wouldPass(int size) {
    return (queued > 0 && queued + size > limit) || ws.writeQueueFull();
  }

  void write(WebSocketFrame frame, int size) {
    queued += size;
    gate.recordOutbound(queued);
    // Completes on this event loop once the bytes left the node (or the socket failed).
    ws.writeFrame(frame).onComplete(done -> {
      queued -= size;
      if (underHalfAgain != null && underHalf()) {
        Promise<Void> waiting = underHalfAgain;
        underHalfAgain = null;
        waiting.complete();
      }
    });
  }

  /**
   * Whether the client keeps up: under half the limit is waiting. A history replay writes only
   * while this holds, so that it is paced by the client's reading instead of passing the limit.
   */
  boolean underHalf() {
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
    ChannelOutboundBuffer buffer = channel == null ? null : channel.unsafe().outboundBuffer();
    gate.recordOutbound(buffer == null ? queued : Math.max(queued, buffer.totalPendingWriteBytes()));
  }

  int limit() {
    return limit;
  }
}
