package dev.hub.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.http.impl.VertxHttpResponseEncoder;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.impl.VertxHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side WebSockets with no socket under them, for driving the hub's real connection code
 * from a benchmark thread.
 *
 * <p>Each socket is a Netty {@link EmbeddedChannel} carrying the handlers Vert.x's HTTP/1 server
 * puts on an accepted TCP connection (Vert.x's request decoder and response encoder, and a
 * {@link VertxHandler} around an {@link Http1xServerConnection}). A real upgrade request is
 * written into it, so Vert.x does the real handshake, swaps in Netty's WebSocket codec and hands
 * the request handler a real {@code ServerWebSocket}. What is stood in, and why:
 * <ul>
 *   <li>the TCP socket: an embedded channel keeps what is written in a queue instead of handing it
 *       to the kernel, and {@link #drain} releases it; a benchmark then measures the hub, Vert.x
 *       and Netty, not the kernel or a client;
 *   <li>the event loop: an {@code EmbeddedEventLoop} takes every thread for its own, so the
 *       benchmark thread (a Vert.x event-loop thread, see {@link EventLoopThreads}) runs the
 *       connection code as the socket's loop would, with no hand-off. Each socket has a Vert.x
 *       context on its own channel's loop, where on a node a gateway's sockets share one;
 *   <li>handlers the hub's server options leave out (compression, TLS, idle timeouts, activity
 *       logging) are left out here too; the HTTP/2 cleartext probe Vert.x also adds removes itself
 *       before the upgrade.
 * </ul>
 */
final class EmbeddedSockets {
  private static final String UPGRADE =
      "GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  private final VertxInternal vertx;
  private final HttpServerOptions options;
  private final Handler<HttpServerRequest> requests;
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** @param requests the server's request handler, as given to {@code HttpServer.requestHandler} */
  EmbeddedSockets(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> requests) {
    this.vertx = (VertxInternal) vertx;
    this.options = options;
    this.requests = requests;
  }

  /**
   * Opens a socket with an upgrade request for {@code uri} and returns it once the request handler
   * has run and everything it queued on the loop is done. Outbound frames so far are left queued.
   */
  EmbeddedChannel open(String uri) {
    EmbeddedChannel channel = new EmbeddedChannel();
    ContextInternal context = vertx
        .contextBuilder()
        .withThreadingModel(ThreadingModel.EVENT_LOOP)
        .withEventLoop(channel.eventLoop())
        .build();
    VertxHandler<Http1xServerConnection> handler =
        VertxHandler.create(chctx -> new Http1xServerConnection(
            ThreadingModel.EVENT_LOOP,
            () -> context,
            null,
            options,
            chctx,
            context,
            "http://localhost",
            null));
    handler.addHandler(connection -> connection.handler(requests));
    channel
        .pipeline()
        .addLast("httpDecoder", new VertxHttpRequestDecoder(options))
        .addLast("httpEncoder", new VertxHttpResponseEncoder())
        .addLast("handler", handler);
    channel.writeInbound(
        Unpooled.copiedBuffer(String.format(UPGRADE, uri), StandardCharsets.US_ASCII));
    settle(channel);
    channels.add(channel);
    return channel;
  }

  /** Sends a text frame from the client side, masked as clients must, and runs what it causes. */
  static void sendText(EmbeddedChannel channel, String text) {
    channel.writeInbound(clientFrame(text));
    settle(channel);
  }

  /** A text frame's bytes as a client sends them: masked, in one buffer. */
  static ByteBuf clientFrame(String text) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    client.writeOutbound(new TextWebSocketFrame(text));
    ByteBuf frame = Unpooled.buffer();
    for (Object encoded; (encoded = client.readOutbound()) != null; ) {
      frame.writeBytes((ByteBuf) encoded);
      ReferenceCountUtil.release(encoded);
    }
    client.finishAndReleaseAll();
    return frame;
  }

  /** The text frames the server has written to this socket since the last read (the loop's turn ended), decoded. */
  static List<String> readTexts(EmbeddedChannel channel) {
    channel.runPendingTasks();
    EmbeddedChannel client =
        new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    List<String> texts = new ArrayList<>();
    for (Object written; (written = channel.readOutbound()) != null; ) {
      // The 101 response to the upgrade is the one thing written that is not a frame.
      if (written instanceof ByteBuf bytes
          && !bytes.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ")) {
        client.writeInbound(bytes);
      } else {
        ReferenceCountUtil.release(written);
      }
    }
    for (Object frame; (frame = client.readInbound()) != null; ) {
      if (frame instanceof TextWebSocketFrame text) {
        texts.add(text.text());
      }
      ReferenceCountUtil.release(frame);
    }
    client.finishAndReleaseAll();
    return texts;
  }

  /**
   * Ends the event loop's turn, then releases everything written to the sockets since the last
   * drain: the stand-in for the loop running the tasks it queued (the hub flushes its sockets in
   * one) and for the kernel taking the bytes. Returns how many buffers there were.
   */
  int drain() {
    endTurn();
    int buffers = 0;
    for (int i = 0; i < channels.size(); i++) {
      EmbeddedChannel channel = channels.get(i);
      for (Object written; (written = channel.outboundMessages().poll()) != null; ) {
        ReferenceCountUtil.release(written);
        buffers++;
      }
    }
    return buffers;
  }

  /**
   * Runs what the sockets' loops have queued: the end of the event loop's turn, when the hub
   * flushes what it wrote during it (all sockets in one task, queued on the first one's loop).
   */
  void endTurn() {
    for (int i = 0; i < channels.size(); i++) {
      channels.get(i).runPendingTasks();
    }
  }

  void close() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    channels.clear();
  }

  /** Runs the tasks the last read queued on the channel's loop (Vert.x defers some work there). */
  private static void settle(EmbeddedChannel channel) {
    channel.runPendingTasks();
    channel.runScheduledPendingTasks();
  }
}
