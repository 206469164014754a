package dev.hub.history;

import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.impl.RingbufferProxy;
import com.hazelcast.ringbuffer.impl.RingbufferService;
import com.hazelcast.ringbuffer.impl.operations.GenericOperation;
import java.util.concurrent.CompletionStage;

/**
 * The two Ringbuffer questions Hazelcast 5.3 answers only synchronously, asked asynchronously: the
 * newest and oldest sequences and the number of live items. The public {@code tailSequence()} and {@code size()}
 * block the calling thread on a remote call, which an event loop must never do; the proxy sends the
 * same {@link GenericOperation} itself, so this sends it through the operation service and returns
 * the invocation's future. This is the one place the hub uses Ringbuffer internals;
 * {@code RingOperationsTest} fails if an upgrade moves them.
 */
final class RingOperations {
  private RingOperations() {}

  /** The sequence of the newest item, -1 when the ring has none yet. */
  static CompletionStage<Long> tail(Ringbuffer<?> ring) {
    return invoke(ring, GenericOperation.OPERATION_TAIL);
  }

  /**
   * The sequence of the oldest item still held (expired ones are dropped first); one more than
   * {@link #tail} when the ring holds nothing.
   */
  static CompletionStage<Long> head(Ringbuffer<?> ring) {
    return invoke(ring, GenericOperation.OPERATION_HEAD);
  }

  /** Items still held (expired ones are dropped first, as every ring operation does). */
  static CompletionStage<Long> size(Ringbuffer<?> ring) {
    return invoke(ring, GenericOperation.OPERATION_SIZE);
  }

  private static CompletionStage<Long> invoke(Ringbuffer<?> ring, byte operation) {
    RingbufferProxy<?> proxy = (RingbufferProxy<?>) ring;
    return proxy
        .getOperationService()
        .invokeOnPartition(
            RingbufferService.SERVICE_NAME,
            new GenericOperation(ring.getName(), operation),
            proxy.getPartitionId());
  }
}
