package dev.hub.internals;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.internal.shaded.org.jctools.queues.MpscUnboundedArrayQueue;
import io.netty.util.internal.shaded.org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import java.util.Queue;

/**
 * The Netty internals the hub uses: a channel's {@code Unsafe}, which Netty reserves for its own
 * transports, and the JCTools queues Netty shades; {@code NettyInternalsTest} checks them.
 */
public final class NettyInternals {
  private NettyInternals() {}

  /**
   * Closes the channel under every handler of its pipeline: {@code channel.close()} passes through
   * Vert.x's handler, which queues it behind the writes it holds back. Discards unsent bytes.
   */
  public static void closeUnderneath(Channel channel) {
    channel.unsafe().close(channel.voidPromise());
  }

  /**
   * The bytes waiting in the channel's outbound buffer, as Netty counts them (frame headers and its
   * own overhead per write included); -1 when the channel has no buffer (it is closed).
   */
  public static long pendingWriteBytes(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? -1 : buffer.totalPendingWriteBytes();
  }

  /**
   * A new empty queue of the same kind as {@code queue}, one of the unbounded multi-producer queues
   * Netty shades from JCTools, growing {@code chunkSlots} at a time; null when {@code queue} is not
   * empty or of another kind.
   */
  public static <T> Queue<T> emptyQueueLike(Queue<T> queue, int chunkSlots) {
    if (queue == null || !queue.isEmpty()) {
      return null;
    }
    if (queue.getClass() == MpscUnboundedArrayQueue.class) {
      return new MpscUnboundedArrayQueue<>(chunkSlots);
    }
    if (queue.getClass() == MpscUnboundedAtomicArrayQueue.class) {
      return new MpscUnboundedAtomicArrayQueue<>(chunkSlots);
    }
    return null;
  }
}
