package dev.hub.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * What one event-loop thread's sockets share in a turn of the loop: the frame of the event being
 * fanned out, made once for all of them, and the list of sockets written but not yet flushed.
 * Lives in a thread-local of the event-loop thread; used only from that thread.
 *
 * <p>Corking: the first write of a turn schedules one task that flushes every socket written
 * since. The task runs after the tasks already queued, so events the loop delivers back to back
 * (each fan-out message is its own task) leave a socket in one flush, one system call, instead of
 * one each; Netty's {@code FlushConsolidationHandler} defers flushes the same way. When the loop
 * is idle, the flush follows the write at once.
 */
final class EventLoopWrites implements Runnable {
  private static final FastThreadLocal<EventLoopWrites> CURRENT = new FastThreadLocal<>() {
    @Override
    protected EventLoopWrites initialValue() {
      return new EventLoopWrites();
    }
  };

  private final List<SocketWrites> waiting = new ArrayList<>();
  private boolean flushScheduled;
  /** The payload {@link #frame} was made from: compared by identity, the fan-out hands every socket the same one. */
  private Buffer framed;

  private boolean framedBinary;
  private ByteBuf frame;

  private EventLoopWrites() {}

  /** The calling event-loop thread's. */
  static EventLoopWrites current() {
    return CURRENT.get();
  }

  /**
   * The frame of an event that goes to several sockets, made once per turn: a fan-out writes one
   * event to all of its sockets before the next. The buffer stays this object's; take a retained
   * duplicate of it for each write.
   */
  ByteBuf sharedFrame(Buffer payload, boolean binary, ByteBufAllocator alloc) {
    if (frame == null || framed != payload || framedBinary != binary) {
      releaseFrame();
      frame = WebSocketWire.frame(alloc, payload, binary);
      framed = payload;
      framedBinary = binary;
    }
    return frame;
  }

  /** Flushes the socket once the tasks queued on {@code loop} so far have run. */
  void flushLater(SocketWrites socket, EventExecutor loop) {
    waiting.add(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      try {
        loop.execute(this);
      } catch (RejectedExecutionException shuttingDown) {
        run(); // the loop takes no more tasks: flush now rather than never
      }
    }
  }

  /** The end of the turn: every socket written since the last one is flushed, and the shared frame let go. */
  @Override
  public void run() {
    releaseFrame();
    try {
      // By index: a flush completes writes, which can start more writes (a paced replay) that join
      // this list.
      for (int i = 0; i < waiting.size(); i++) {
        waiting.get(i).endTurn();
      }
    } finally {
      waiting.clear();
      flushScheduled = false;
      releaseFrame();
    }
  }

  private void releaseFrame() {
    if (frame != null) {
      frame.release();
      frame = null;
      framed = null;
    }
  }
}
