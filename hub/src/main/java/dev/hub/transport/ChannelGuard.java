package dev.hub.transport;

import dev.hub.internals.VertxInternals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * The Netty side of one hub WebSocket: what Vert.x hides from its handlers, in the channel's
 * pipeline just before Vert.x's own handler. Runs on the channel's event loop.
 *
 * <ul>
 *   <li><b>Back-pressure on input.</b> While the channel is not writable (more than
 *       {@code outboundBytes} written and not taken by the kernel) nothing more is read from it.
 *       Vert.x answers each ping with a pong the moment it reads it, before any handler of the
 *       hub runs, and has no switch to stop it: a peer that pings and never reads would make the
 *       node queue pongs without bound. Not read, a ping makes no pong; the peer's sends wait in
 *       the kernel. The listener hears of it, to close the connection as a slow consumer.</li>
 *   <li><b>Refused frames.</b> Netty's decoder refuses a frame over twice {@code frameBytes} from
 *       its header (and any frame that breaks RFC 6455). Vert.x would then close the TCP
 *       connection at once with the rest of the frame unread, and the reset that follows destroys
 *       any close frame before the client reads it: the client saw 1006. Instead the decoder is
 *       removed, everything the peer still sends is read and discarded, and the listener closes
 *       the WebSocket with a close frame; Vert.x's closing timeout ends the connection if the
 *       peer does not.</li>
 * </ul>
 */
final class ChannelGuard extends ChannelInboundHandlerAdapter {
  private static final String NAME = "hub-guard";

  /** What the connection does about these events; called on the channel's event loop. */
  interface Listener {
    /** The channel stopped being writable: the peer does not read what it is sent. */
    void peerNotReading();

    /**
     * The decoder refused a frame; nothing more is decoded from this peer.
     *
     * @param closeCode the RFC 6455 code for the refusal: 1009 for a frame too large, 1002 or 1007
     *     for a broken one
     */
    void frameRefused(int closeCode);
  }

  private final Listener listener;
  private boolean stoppedReading;
  private boolean discarding;

  private ChannelGuard(Listener listener) {
    this.listener = listener;
  }

  /** Puts a guard into the pipeline of an upgraded WebSocket; call on the channel's event loop. */
  static void install(Channel channel, Listener listener) {
    channel.pipeline().addBefore(VertxInternals.PIPELINE_HANDLER, NAME, new ChannelGuard(listener));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (!channel.isWritable()) {
      // Takes effect after the frames of the current read, which is bounded by Netty's read buffer.
      channel.config().setAutoRead(false);
      stoppedReading = true;
      listener.peerNotReading();
    } else if (stoppedReading) {
      stoppedReading = false;
      channel.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof CorruptedWebSocketFrameException refused) || discarding) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    discarding = true;
    // Without the decoder the peer's bytes reach this handler raw, and are dropped here; the
    // decoder itself would drop them one byte per call.
    WebSocketFrameDecoder decoder = ctx.pipeline().get(WebSocketFrameDecoder.class);
    if (decoder != null) {
      ctx.pipeline().remove(decoder);
    }
    listener.frameRefused(refused.closeStatus().code());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
