package dev.hub.history;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.hub.internals.HazelcastInternals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rings of channels that had no event for their retention, and their freeing: the epoch goes
 * first, the ring once no append that read the epoch can still be on its way (the call timeout and
 * a margin later), and only if nobody gave the channel a new epoch meanwhile. Each node looks after
 * the rings whose partition it owns. Also counts the channels with history the cluster holds.
 */
final class IdleRings {
  /** Past the call timeout, how long a freed channel's ring outlives its epoch. */
  private static final long GRACE_MARGIN_MS = 5_000;

  private static final long COUNT_TTL_MS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(IdleRings.class);

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> epochs;
  private final HistoryCalls calls;
  private volatile long countedAt;
  private volatile int count;

  IdleRings(
      Vertx vertx, HazelcastInstance hazelcast, IMap<String, String> epochs, HistoryCalls calls) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.epochs = epochs;
    this.calls = calls;
  }

  /** Channels of rings this node owns that hold no event: nothing arrived within their retention. */
  Future<List<String>> find() {
    List<Future<String>> checks = new ArrayList<>();
    for (DistributedObject object : hazelcast.getDistributedObjects()) {
      String key = HistoryNames.keyOfRing(object);
      if (key != null && ownedHere(key)) {
        // Reading the size drops expired events first.
        checks.add(calls
            .local(HazelcastInternals.ringSize((Ringbuffer<?>) object))
            .map(size -> size == 0 ? HistoryNames.channel(key) : null)
            .otherwise((String) null));
      }
    }
    return Future.join(checks)
        .map(done -> checks.stream()
            .map(Future::result)
            .filter(channel -> channel != null)
            .toList());
  }

  /**
   * Removes the channel's epoch unless it changed, then the ring after the grace period.
   *
   * @return true when the epoch was removed (the caller forgets the channel)
   */
  Future<Boolean> free(String key) {
    return calls
        .local(epochs.getAsync(key))
        .compose(epoch -> epoch == null
            ? Future.succeededFuture((String) null)
            : calls.local(epochs.submitToKey(key, EpochUpdate.remove(epoch))))
        .map(left -> {
          if (left != null) {
            return false; // an event came and the channel is in use again
          }
          vertx.setTimer(
              calls.timeout().toMillis() + GRACE_MARGIN_MS, id -> destroyIfStillIdle(key));
          countedAt = 0;
          return true;
        });
  }

  /** Channels with history the cluster holds, as this node's proxies show them (counted once a second). */
  int count() {
    long now = System.currentTimeMillis();
    if (now - countedAt > COUNT_TTL_MS) {
      count = (int) hazelcast.getDistributedObjects().stream()
          .filter(object -> HistoryNames.keyOfRing(object) != null)
          .count();
      countedAt = now;
    }
    return count;
  }

  /** A channel was just created: the next count looks again. */
  void counted() {
    countedAt = 0;
  }

  private void destroyIfStillIdle(String key) {
    Ringbuffer<byte[]> ring = hazelcast.getRingbuffer(HistoryNames.ring(key));
    calls
        .local(epochs.getAsync(key))
        .compose(epoch -> epoch != null
            ? Future.succeededFuture(-1L)
            : calls.local(HazelcastInternals.ringSize(ring)))
        .compose(size -> size != 0
            ? Future.succeededFuture()
            // destroy() waits for every member to drop its copy: a blocking call, off the event
            // loop.
            : vertx.executeBlocking(
                () -> {
                  ring.destroy();
                  return null;
                },
                false))
        .onFailure(e ->
            log.warn("idle history of {} not freed: {}", HistoryNames.channel(key), e.toString()));
  }

  private boolean ownedHere(String key) {
    Member owner = hazelcast.getPartitionService().getPartition(key).getOwner();
    return owner != null && owner.localMember();
  }
}
