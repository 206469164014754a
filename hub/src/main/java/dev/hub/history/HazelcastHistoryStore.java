package dev.hub.history;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.impl.RingbufferService;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import dev.hub.config.ChannelOptions;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History in Hazelcast: one Ringbuffer per channel (capacity and time to live from the channel's
 * options), offset = ring sequence + 1, and the channel's epoch in a map entry in the same
 * partition as the ring, so the two are lost together and a ring rebuilt from nothing gets a new
 * epoch. Every call is asynchronous and bounded in time.
 *
 * <p>Numbering is safe through network splits when the cluster's size is configured (see {@link
 * HistoryQuorum}): each structure keeps enough synchronous backups that a majority holds every
 * event, a node that does not see a majority refuses before it calls Hazelcast, and an append that
 * completed while the majority went silent (its backup timed out on the far side) is not
 * acknowledged: the channel is remembered as possibly forked, and when this node merges back its
 * epoch is replaced, so no client holding a position in it recovers wrong events. The smaller
 * side's copy is discarded on merge ({@code DiscardMergePolicy}): the majority's history wins.
 *
 * <p>Reads check the epoch first and touch no ring a channel does not have, so asking about
 * channels creates nothing. Idle channels are freed by the {@link HistorySweeper}.
 */
public final class HazelcastHistoryStore implements HistoryStore {
  static final String RING_PREFIX = "hub.history.";
  static final String EPOCHS = "hub.epochs";
  /** Past the call timeout, how long a freed channel's ring outlives its epoch: no append that read it is in flight. */
  private static final long FREE_GRACE_MARGIN_MS = 5_000;
  private static final int KNOWN_MAX = 10_000;
  private static final long COUNT_TTL_MS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(HazelcastHistoryStore.class);

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> epochs;
  private final HistoryQuorum quorum;
  private final int maxChannels;
  private final Duration timeout;
  /** Channel keys known to have an epoch: their appends read the epoch and append at once. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  /** Channels being given their first epoch by an append of this node, shared by concurrent appends. */
  private final Map<String, Future<String>> creating = new ConcurrentHashMap<>();
  /** Channel keys with an event this node stored but did not acknowledge for want of a majority. */
  private final Set<String> forked = ConcurrentHashMap.newKeySet();
  private volatile long countedAt;
  private volatile int count;

  /**
   * @param maxChannels channels with history the cluster may hold; a publish that would start one
   *     more is refused with {@code too_many_channels}
   * @param timeout how long one call may take before it fails with {@code unavailable}
   */
  public HazelcastHistoryStore(Vertx vertx, HazelcastInstance hazelcast, HistoryQuorum quorum, int maxChannels,
                               Duration timeout) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.epochs = hazelcast.getMap(EPOCHS);
    this.quorum = quorum;
    this.maxChannels = maxChannels;
    this.timeout = timeout;
    Context context = vertx.getOrCreateContext();
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> renewForkedEpochs());
      }
    });
  }

  /**
   * Configures the rings of every channel pattern with history and the epoch map; call before the
   * member starts.
   *
   * @param clusterSize the nodes the cluster is meant to have; above 1, history needs a majority
   */
  public static void configure(Config config, List<ChannelOptions> channels, int clusterSize) {
    HistoryQuorum.configure(config, clusterSize);
    int backups = HistoryQuorum.backupCount(clusterSize);
    String protection = clusterSize > 1 ? HistoryQuorum.NAME : null;
    MergePolicyConfig discardSmallerSide = new MergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
    for (ChannelOptions options : channels) {
      if (options.hasHistory()) {
        config.addRingBufferConfig(new RingbufferConfig(RING_PREFIX + key(options.pattern()))
            .setCapacity(options.historySize())
            .setTimeToLiveSeconds((int) Math.max(1, options.historyTtl().toSeconds()))
            .setBackupCount(backups)
            .setSplitBrainProtectionName(protection)
            .setMergePolicyConfig(discardSmallerSide));
      }
    }
    MapConfig epochMap = config.getMapConfig(EPOCHS);
    epochMap.setBackupCount(backups).setSplitBrainProtectionName(protection).setMergePolicyConfig(discardSmallerSide);
  }

  @Override
  public Future<StreamPosition> append(String channel, ChannelOptions options, Buffer event, boolean binary,
                                       ChannelAdmission admission) {
    return guarded(channel, () -> {
      String key = key(channel);
      byte[] item = new StoredEvent(0, binary, event).toItem();
      if (known.contains(key)) {
        // The usual case: one round trip, the epoch read beside the append.
        Future<String> epoch = local(epochs.getAsync(key));
        Future<Long> sequence = local(ring(key).addAsync(item, OverflowPolicy.OVERWRITE));
        return Future.all(epoch, sequence).compose(both -> acknowledge(channel, key, both.resultAt(0), both.resultAt(1)));
      }
      return local(epochs.getAsync(key))
          .compose(epoch -> epoch != null ? Future.succeededFuture(epoch) : create(channel, key, admission))
          .compose(epoch -> local(ring(key).addAsync(item, OverflowPolicy.OVERWRITE))
              .compose(sequence -> acknowledge(channel, key, epoch, sequence)));
    });
  }

  /**
   * A channel's first event: admitted by the publisher and the node's total, then given an epoch.
   * Appends that find the channel new at the same moment (a burst of first events) share one
   * creation, admitted once.
   */
  private Future<String> create(String channel, String key, ChannelAdmission admission) {
    Promise<String> mine = Promise.promise();
    Future<String> shared = creating.putIfAbsent(key, mine.future());
    if (shared != null) {
      return Future.fromCompletionStage(shared.toCompletionStage(), vertx.getOrCreateContext());
    }
    try {
      if (channelCount() >= maxChannels) {
        throw new HubException(ErrorCode.TOO_MANY_CHANNELS,
            "the cluster holds " + maxChannels + " channels with history, the most this node allows");
      }
      admission.admit(channel);
    } catch (HubException refused) {
      creating.remove(key, mine.future());
      mine.fail(refused);
      return mine.future();
    }
    countedAt = 0;
    local(epochs.submitToKey(key, EpochUpdate.assign(Epochs.fresh()))).onComplete(done -> {
      creating.remove(key, mine.future());
      mine.handle(done);
    });
    return mine.future();
  }

  /**
   * The position of an appended event, once it is certain to be held by a majority. A ring that
   * starts at sequence 0 was made just now, maybe after its history was lost: the epoch read beside
   * the append may be the lost one's, so it is settled again on the owner.
   */
  private Future<StreamPosition> acknowledge(String channel, String key, String epoch, long sequence) {
    if (!quorum.present()) {
      forked.add(key);
      throw unavailable(channel, "the event was stored while this node lost sight of the cluster's majority"
          + " and is not acknowledged");
    }
    if (epoch == null || sequence == 0) {
      return local(epochs.submitToKey(key, EpochUpdate.assign(Epochs.fresh()))).map(settled -> {
        known.add(key);
        return new StreamPosition(sequence + 1, settled);
      });
    }
    remember(key);
    return Future.succeededFuture(new StreamPosition(sequence + 1, epoch));
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return guarded(channel, () -> {
      String key = key(channel);
      return local(epochs.getAsync(key)).compose(epoch -> epoch == null
          ? Future.succeededFuture(new StreamPosition(0, null))
          : local(RingOperations.tail(ring(key))).map(tail -> new StreamPosition(tail + 1, epoch)));
    });
  }

  @Override
  public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    return guarded(channel, () -> {
      String key = key(channel);
      return local(epochs.getAsync(key)).compose(epoch -> epoch == null
          ? Future.succeededFuture(HistoryPage.none(afterOffset))
          : readRing(key, epoch, afterOffset, limit));
    });
  }

  @Override
  public Future<HistoryPage> newest(String channel, int limit) {
    return guarded(channel, () -> {
      String key = key(channel);
      return local(epochs.getAsync(key)).compose(epoch -> epoch == null
          ? Future.succeededFuture(HistoryPage.none(0))
          : local(RingOperations.tail(ring(key)))
              .compose(tail -> readRing(key, epoch, Math.max(0, tail + 1 - limit), limit)));
    });
  }

  /** The ring's events after {@code afterOffset} (its sequence is the offset of the event before). */
  private Future<HistoryPage> readRing(String key, String epoch, long afterOffset, int limit) {
    Ringbuffer<byte[]> ring = ring(key);
    int count = (int) Math.max(1, Math.min(Math.min(limit, PAGE), ring.capacity()));
    return local(ring.readManyAsync(afterOffset, 0, count, null)).compose(result -> {
      List<StoredEvent> events = new ArrayList<>(result.size());
      for (int i = 0; i < result.size(); i++) {
        events.add(StoredEvent.fromItem(result.getSequence(i) + 1, result.get(i)));
      }
      if (!events.isEmpty()) {
        // A read from before the oldest retained event starts at the oldest one: what lay between is gone.
        return Future.succeededFuture(new HistoryPage(epoch, events.get(0).offset() == afterOffset + 1, events));
      }
      // Nothing after the offset: complete unless what came after it has expired, that is unless the
      // oldest event held is past the one after it. (Not "the offset is the newest": an event may
      // have been appended since the read.)
      return local(RingOperations.head(ring)).map(head -> new HistoryPage(epoch, head <= afterOffset, events));
    });
  }

  @Override
  public Future<List<String>> idleChannels() {
    if (!quorum.present()) {
      return Future.succeededFuture(List.of());
    }
    List<Future<String>> checks = new ArrayList<>();
    for (DistributedObject object : hazelcast.getDistributedObjects()) {
      String key = keyOfRing(object);
      if (key != null && ownedHere(key)) {
        // Reading the size drops expired events first: 0 means nothing arrived within the retention.
        checks.add(local(RingOperations.size((Ringbuffer<?>) object))
            .map(size -> size == 0 ? unkey(key) : null)
            .otherwise((String) null));
      }
    }
    return Future.join(checks)
        .map(done -> checks.stream().map(Future::result).filter(channel -> channel != null).toList());
  }

  @Override
  public Future<Void> free(String channel) {
    String key = key(channel);
    return guarded(channel, () -> local(epochs.getAsync(key))
        .compose(epoch -> epoch == null ? Future.succeededFuture((String) null)
            : local(epochs.submitToKey(key, EpochUpdate.remove(epoch))))
        .compose(left -> {
          if (left != null) {
            return Future.succeededFuture(); // an event came and the channel is in use again
          }
          known.remove(key);
          vertx.setTimer(timeout.toMillis() + FREE_GRACE_MARGIN_MS, id -> destroyIfStillIdle(key));
          return Future.<Void>succeededFuture();
        }));
  }

  /** Destroys the ring once no append can still be on its way with the removed epoch. */
  private void destroyIfStillIdle(String key) {
    Ringbuffer<byte[]> ring = ring(key);
    local(epochs.getAsync(key))
        .compose(epoch -> epoch != null ? Future.succeededFuture(-1L) : local(RingOperations.size(ring)))
        .compose(size -> size != 0 ? Future.succeededFuture()
            // destroy() waits for every member to drop its copy: a blocking call, off the event loop.
            : vertx.executeBlocking(() -> {
              ring.destroy();
              return null;
            }, false))
        .onFailure(e -> log.warn("idle history of {} not freed: {}", unkey(key), e.toString()));
  }

  @Override
  public int channelCount() {
    long now = System.currentTimeMillis();
    if (now - countedAt > COUNT_TTL_MS) {
      count = (int) hazelcast.getDistributedObjects().stream().filter(object -> keyOfRing(object) != null).count();
      countedAt = now;
    }
    return count;
  }

  /**
   * After merging back from the smaller side of a split: every channel with an event this node stored
   * but could not acknowledge gets a new epoch, in case a client read that event before the merge
   * discarded it. A client holding such a position then recovers with {@code recovered: false}.
   */
  private void renewForkedEpochs() {
    for (String key : List.copyOf(forked)) {
      local(epochs.getAsync(key))
          .compose(epoch -> epoch == null ? Future.succeededFuture((String) null)
              : local(epochs.submitToKey(key, EpochUpdate.replace(epoch, Epochs.fresh()))))
          .onSuccess(renewed -> {
            forked.remove(key);
            log.info("history of {} may have forked during a network split: new epoch {}", unkey(key), renewed);
          })
          .onFailure(e -> log.warn("epoch of {} not renewed after the merge, will retry at the next: {}",
              unkey(key), e.toString()));
    }
  }

  /** Refuses at once without a majority; otherwise runs the call, bounded, with failures as {@code unavailable}. */
  private <T> Future<T> guarded(String channel, Supplier<Future<T>> call) {
    if (!quorum.present()) {
      return Future.failedFuture(unavailable(channel, "this node does not see a majority of the cluster"));
    }
    Future<T> result;
    try {
      result = call.get();
    } catch (HubException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(unavailable(channel, describe(e)));
    }
    return result.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(e instanceof HubException hub ? hub : unavailable(channel, describe(e))));
  }

  private String describe(Throwable failure) {
    Throwable cause = failure.getCause() != null && failure instanceof java.util.concurrent.CompletionException
        ? failure.getCause() : failure;
    if (cause instanceof SplitBrainProtectionException) {
      return "this node does not see a majority of the cluster";
    }
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return "the cluster did not answer within " + timeout.toMillis() + " ms";
    }
    return String.valueOf(cause.getMessage());
  }

  private static HubException unavailable(String channel, String why) {
    return new HubException(ErrorCode.UNAVAILABLE, "history of " + channel + " is unavailable here: " + why);
  }

  /** A Hazelcast completion as a Vert.x future completed on the caller's context. */
  private <T> Future<T> local(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  private void remember(String key) {
    if (known.size() >= KNOWN_MAX) {
      known.clear(); // a bound, not a cache policy: the cost of forgetting is one sequential append
    }
    known.add(key);
  }

  private boolean ownedHere(String key) {
    Member owner = hazelcast.getPartitionService().getPartition(key).getOwner();
    return owner != null && owner.localMember();
  }

  private Ringbuffer<byte[]> ring(String key) {
    // name@key: the ring lives in the partition of the epoch entry keyed by the same string.
    return hazelcast.getRingbuffer(RING_PREFIX + key + "@" + key);
  }

  /** The channel key of a history ring's proxy, or null for any other object. */
  private static String keyOfRing(DistributedObject object) {
    String name = object.getName();
    if (!RingbufferService.SERVICE_NAME.equals(object.getServiceName()) || !name.startsWith(RING_PREFIX)) {
      return null;
    }
    int at = name.lastIndexOf('@');
    return at < 0 ? null : name.substring(at + 1);
  }

  /** '@' is Hazelcast's partition-key separator and legal in channel names: escape it. */
  static String key(String channel) {
    return channel.replace("@", "%40");
  }

  /** The channel of a key ('%' is not a channel character, so the escape cannot be ambiguous). */
  static String unkey(String key) {
    return key.replace("%40", "@");
  }
}
