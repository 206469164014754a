package dev.hub.internals;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.impl.RingbufferProxy;
import com.hazelcast.ringbuffer.impl.RingbufferService;
import com.hazelcast.ringbuffer.impl.operations.GenericOperation;
import java.util.concurrent.CompletionStage;

/**
 * The Hazelcast 5.3 internals the hub and its test kit use; {@code HazelcastInternalsTest} checks
 * them against a real member.
 */
public final class HazelcastInternals {
  /**
   * The service name of a Ringbuffer's proxy ({@code DistributedObject.getServiceName()}), which
   * Hazelcast names only in its implementation.
   */
  public static final String RINGBUFFER_SERVICE = RingbufferService.SERVICE_NAME;

  private HazelcastInternals() {}

  /**
   * The sequence of the ring's newest item, -1 when it has none yet, asked asynchronously: the
   * public {@code tailSequence()} blocks the calling thread on a remote call, which an event loop
   * must never do. The proxy sends the same {@code GenericOperation} itself; this sends it through
   * the operation service and returns the invocation's future. So do {@link #ringHead} and {@link
   * #ringSize}.
   */
  public static CompletionStage<Long> ringTail(Ringbuffer<?> ring) {
    return invoke(ring, GenericOperation.OPERATION_TAIL);
  }

  /**
   * The sequence of the oldest item still held (expired ones are dropped first); one more than
   * {@link #ringTail} when the ring holds nothing.
   */
  public static CompletionStage<Long> ringHead(Ringbuffer<?> ring) {
    return invoke(ring, GenericOperation.OPERATION_HEAD);
  }

  /** Items still held (expired ones are dropped first, as every ring operation does). */
  public static CompletionStage<Long> ringSize(Ringbuffer<?> ring) {
    return invoke(ring, GenericOperation.OPERATION_SIZE);
  }

  private static CompletionStage<Long> invoke(Ringbuffer<?> ring, byte operation) {
    RingbufferProxy<?> proxy = (RingbufferProxy<?>) ring;
    return proxy
        .getOperationService()
        .invokeOnPartition(
            RINGBUFFER_SERVICE,
            new GenericOperation(ring.getName(), operation),
            proxy.getPartitionId());
  }

  /**
   * Makes {@code member} stop counting {@code other} as a member, as its failure detector does
   * ({@code ClusterServiceImpl.suspectMember}); Hazelcast has no public call for it. For the test
   * kit's network split: nodes never call it.
   */
  public static void suspect(HazelcastInstance member, Member other, String reason) {
    ((HazelcastInstanceProxy) member)
        .getOriginal()
        .node
        .getClusterService()
        .suspectMember(other, reason, true);
  }
}
