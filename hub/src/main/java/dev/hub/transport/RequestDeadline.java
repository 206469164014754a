package dev.hub.transport;

import dev.hub.internals.VertxInternals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP connection that does not send a whole request within {@code requestTimeoutMs}:
 * counted from the connection's start, and again from the end of each response when no other
 * request is waiting for one. Without it, a socket that sends half a request (or nothing) and
 * stops held a connection forever, and no limit counted it; a deadline rather than an idle timer,
 * so that trickling one byte at a time does not keep it either. A request received in full stops
 * the clock until its response ends; a WebSocket upgrade (the 101 response) removes the handler,
 * since an upgraded socket is no longer an HTTP connection and has heartbeats of its own.
 *
 * <p>Responses tell keep-alive clients how long they may idle ({@code Keep-Alive: timeout=}), a
 * second less than the deadline, so a client that honours it (the Vert.x client does) does not
 * send a request on a connection the node is closing. Runs on the channel's event loop, between
 * Vert.x's HTTP codec and its handler, where requests and responses pass as Netty HTTP objects.
 */
public final class RequestDeadline extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);
  private static final String NAME = "hub-request-deadline";

  private final long timeoutMs;
  private final String keepAlive;
  private ScheduledFuture<?> timer;
  /** Requests received in full; a response may end before its request does (an early refusal). */
  private long received;
  /** Responses ended. */
  private long answered;

  private RequestDeadline(long timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.keepAlive = "timeout=" + Math.max(1, timeoutMs / 1000 - 1);
  }

  /**
   * Puts a deadline into a new HTTP connection's pipeline; for {@code HttpServer.connectionHandler},
   * which runs on the connection's event loop before anything is read.
   */
  public static void install(HttpConnection connection, long timeoutMs) {
    Channel channel = VertxInternals.channel(connection);
    if (channel != null) {
      channel
          .pipeline()
          .addBefore(VertxInternals.PIPELINE_HANDLER, NAME, new RequestDeadline(timeoutMs));
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    arm(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof LastHttpContent) {
      received++;
      disarm();
      if (received <= answered) {
        // Answered already: the connection is idle from now on, with a fresh deadline.
        arm(ctx);
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof HttpResponse response) {
      HttpResponseStatus status = response.status();
      if (status.equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
        super.write(ctx, msg, promise);
        ctx.pipeline().remove(this);
        return;
      }
      if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
        // 100 Continue: the request's body is still to come.
        super.write(ctx, msg, promise);
        return;
      }
      if (HttpUtil.isKeepAlive(response)
          && !response.headers().contains(HttpHeaderNames.KEEP_ALIVE)) {
        response.headers().set(HttpHeaderNames.KEEP_ALIVE, keepAlive);
      }
    }
    if (msg instanceof LastHttpContent) {
      answered++;
      if (answered >= received) {
        arm(ctx);
      }
    }
    super.write(ctx, msg, promise);
  }

  /** Starts the clock unless it runs already: a request half received keeps its deadline. */
  private void arm(ChannelHandlerContext ctx) {
    if (timer != null) {
      return;
    }
    timer = ctx.executor()
        .schedule(
            () -> {
              timer = null;
              log.debug(
                  "closing {}: no whole request within {} ms",
                  ctx.channel().remoteAddress(),
                  timeoutMs);
              ctx.close();
            },
            timeoutMs,
            TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
