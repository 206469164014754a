package dev.hub.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * The Netty internals {@link NettyInternals} relies on, against the Netty on the class path: a
 * channel's {@code Unsafe} and the JCTools queues Netty shades (the kind Vert.x gives each
 * connection, {@code PlatformDependent.newMpscQueue()}).
 */
class NettyInternalsTest {

  @Test
  void theOutboundBufferCountsWhatWaitsAndClosingUnderneathEndsTheChannel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.write(Unpooled.wrappedBuffer(new byte[100]));
    assertThat(NettyInternals.pendingWriteBytes(channel))
        .as("bytes written, not flushed")
        .isGreaterThanOrEqualTo(100);
    NettyInternals.closeUnderneath(channel);
    assertThat(channel.isOpen()).isFalse();
    assertThat(NettyInternals.pendingWriteBytes(channel)).as("a closed channel").isEqualTo(-1);
    channel.finishAndReleaseAll();
  }

  @Test
  void theQueueVertxGivesAConnectionIsOneNettyShades() {
    Queue<Object> vertxKind = PlatformDependent.newMpscQueue();
    Queue<Object> smaller = NettyInternals.emptyQueueLike(vertxKind, 32);
    assertThat(smaller)
        .as("Netty's MPSC queue is no longer one of the JCTools kinds NettyInternals knows")
        .isNotNull()
        .hasSameClassAs(vertxKind)
        .isEmpty();
    vertxKind.add("queued");
    assertThat(NettyInternals.emptyQueueLike(vertxKind, 32))
        .as("not empty: kept")
        .isNull();
  }
}
