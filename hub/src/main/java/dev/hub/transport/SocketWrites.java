package dev.hub.transport;

import dev.hub.internals.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket's frames, written as finished bytes into the Netty pipeline just below its
 * WebSocket encoder, and flushed once per event-loop turn ({@link EventLoopWrites}).
 *
 * <p>Why below Vert.x: {@code ServerWebSocket.writeFrame} passes every frame through Vert.x's
 * outbound queue and Netty's {@code WebSocket08FrameEncoder}, which copies any frame of 1 KiB or
 * less into a fresh buffer per socket, and flushes each frame on its own: an event fanned out to a
 * thousand sockets was encoded a thousand times and cost a thousand system calls per event. Here an
 * event's frame is made once ({@link WebSocketWire}) and each socket is written a duplicate of it.
 *
 * <p>What this stands on, checked by {@code WritePathTest} on a real Vert.x socket: the channel
 * under the {@code ServerWebSocket} (which vertx-web hides; see {@code WebSocketEndpoint}), a
 * {@link WebSocketFrameEncoder} in its pipeline with nothing between it and the socket that
 * changes frames (TLS encrypts them as it would the encoder's output), no WebSocket extension
 * encoder (the node refuses compression), and Vert.x's handler with its connection, which is told
 * the bytes for Vert.x's meters. When any of it is missing, {@link #of} says so and the connection
 * writes through Vert.x, as before.
 *
 * <p>Order: the hub writes all of a connection's frames here, in order. Vert.x writes its own
 * (pongs, pings, the close frame) into the same pipeline: straight away on the event loop while
 * the channel is writable, so they keep their place; when it is not, Vert.x holds its own frames
 * back while the hub's still go in, and the connection is being closed as a slow consumer. Control
 * frames may come between data frames anywhere (RFC 6455 section 5.4), and nothing of the hub
 * follows the close frame. Runs on the channel's event loop.
 */
final class SocketWrites {
  /**
   * The system property that picks the write path, for comparison benchmarks: {@code prepared}
   * (the default), {@code prepared-flush-each} (a flush per frame) or {@code vertx} (every frame
   * through {@code ServerWebSocket.writeFrame}). Not a setting for nodes in use.
   */
  static final String PATH_PROPERTY = "hub.writePath";
  /** More than what Netty counts per message in its buffer besides the bytes (96 by default). */
  private static final int NETTY_ENTRY_OVERHEAD = 256;

  private static final Logger log = LoggerFactory.getLogger(SocketWrites.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final Channel channel;
  private final ChannelHandlerContext encoder;
  /** Vert.x's side of the socket, told of the bytes written past it for its meters. */
  private final LongConsumer vertxMeter;

  private final boolean flushEach;
  /** In the event loop's list of sockets to flush at the end of the turn. */
  private boolean flushScheduled;
  /** Written since the last flush. */
  private boolean unflushed;

  private SocketWrites(
      Channel channel, ChannelHandlerContext encoder, LongConsumer vertxMeter, boolean flushEach) {
    this.channel = channel;
    this.encoder = encoder;
    this.vertxMeter = vertxMeter;
    this.flushEach = flushEach;
  }

  /**
   * The writes of an upgraded WebSocket's channel; call on its event loop once the upgrade is done.
   *
   * @return null when frames must go through Vert.x: no channel, or a pipeline not as expected
   */
  static SocketWrites of(Channel channel) {
    String path = System.getProperty(PATH_PROPERTY, "prepared");
    if (channel == null || path.equals("vertx")) {
      return null;
    }
    ChannelPipeline pipeline = channel.pipeline();
    ChannelHandlerContext encoder = pipeline.context(WebSocketFrameEncoder.class);
    LongConsumer vertxMeter = VertxInternals.bytesWrittenMeter(channel);
    if (encoder == null
        || vertxMeter == null
        || pipeline.get(WebSocketExtensionEncoder.class) != null) {
      if (channel.isActive() && WARNED.compareAndSet(false, true)) {
        log.warn(
            "frames are written through Vert.x, one encoding per socket: the WebSocket pipeline is not as "
                + "expected ({}); a Vert.x or Netty upgrade may have changed it",
            pipeline.names());
      }
      return null;
    }
    return new SocketWrites(channel, encoder, vertxMeter, path.equals("prepared-flush-each"));
  }

  /**
   * Writes one final frame; {@code sent} hears when its bytes are handed to the kernel, or that
   * they never will be (the socket closed).
   *
   * @param shared true when the same payload goes to other sockets in this turn (an event): its
   *     frame is made once for all of them
   */
  void write(Buffer payload, boolean binary, boolean shared, ChannelFutureListener sent) {
    if (!channel.eventLoop().inEventLoop()) {
      // Not expected (connections run on their event loop); the loop's own state is not
      // thread-safe.
      channel.eventLoop().execute(() -> write(payload, binary, false, sent));
      return;
    }
    EventLoopWrites loop = EventLoopWrites.current();
    ByteBuf frame = shared
        ? loop.sharedFrame(payload, binary, channel.alloc()).retainedDuplicate()
        : WebSocketWire.frame(channel.alloc(), payload, binary);
    // What Vert.x does for every write of its own: vertx_http_server_bytes_written.
    vertxMeter.accept(frame.readableBytes());
    if (flushEach) {
      encoder.writeAndFlush(frame, encoder.newPromise().addListener(sent));
      return;
    }
    if (unflushed
        && frame.readableBytes() + NETTY_ENTRY_OVERHEAD >= channel.bytesBeforeUnwritable()) {
      // Held back, the frames of this turn would make the channel unwritable for a client that
      // reads (the ChannelGuard would close it): the kernel takes them first, as it did frame by
      // frame.
      flush();
    }
    // Below the encoder: the pipeline's next handlers toward the socket see finished bytes.
    encoder.write(frame, encoder.newPromise().addListener(sent));
    unflushed = true;
    if (!flushScheduled) {
      flushScheduled = true;
      loop.flushLater(this, channel.eventLoop());
    }
  }

  /** Whether frames written are held back for the end of the turn. */
  boolean unflushed() {
    return unflushed;
  }

  /**
   * Hands what was written since the last flush to the socket: one system call for all of it. The
   * writes the kernel takes complete before this returns.
   */
  void flush() {
    unflushed = false;
    encoder.flush();
  }

  /** The end of the event loop's turn. */
  void endTurn() {
    flushScheduled = false;
    if (unflushed) {
      flush();
    }
  }

  /** Netty's writability: false once more than {@code outboundBytes} are waiting in its buffer. */
  boolean channelWritable() {
    return channel.isWritable();
  }
}
