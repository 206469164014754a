package dev.hub.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import dev.hub.config.ChannelOptions;
import dev.hub.internals.HazelcastInternals;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * History in Hazelcast: one Ringbuffer per channel (capacity and time to live from the channel's
 * options), offset = ring sequence + 1, and the channel's epoch in a map entry in the same
 * partition as the ring, so the two are lost together and a ring rebuilt from nothing gets a new
 * epoch. Every call is asynchronous and bounded in time.
 *
 * <p>Numbering is safe through network splits when the cluster's size is configured (see {@link
 * HistoryQuorum}): each structure keeps enough synchronous backups that a majority holds every
 * event, a node that does not see a majority refuses before it calls Hazelcast, and an append that
 * completed while the majority went silent, or whose backup did not confirm it (a link between two
 * nodes down while both still reach a third), is not acknowledged: the channel is remembered as
 * possibly forked, and when this node merges back its epoch is replaced, so no client holding a
 * position in it recovers wrong events. The smaller side's copy is discarded on merge ({@code
 * DiscardMergePolicy}): the majority's history wins.
 *
 * <p>Reads check the epoch first and touch no ring a channel does not have, so asking about
 * channels creates nothing. Idle channels are freed by the {@link HistorySweeper}.
 */
public final class HazelcastHistoryStore implements HistoryStore {
  private static final int KNOWN_MAX = 10_000;

  private final HazelcastInstance hazelcast;
  private final IMap<String, String> epochs;
  private final HistoryQuorum quorum;
  private final int maxChannels;
  private final HistoryCalls calls;
  private final ForkedEpochs forked;
  private final IdleRings idle;
  /** Channel keys known to have an epoch: their appends read the epoch and append at once. */
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  /** Channels being given their first epoch by an append of this node, shared by concurrent appends. */
  private final Map<String, Future<String>> creating = new ConcurrentHashMap<>();

  /**
   * @param maxChannels channels with history the cluster may hold; a publish that would start one
   *     more is refused with {@code too_many_channels}
   * @param timeout how long one call may take before it fails with {@code unavailable}
   */
  public HazelcastHistoryStore(
      Vertx vertx,
      HazelcastInstance hazelcast,
      HistoryQuorum quorum,
      int maxChannels,
      Duration timeout) {
    this.hazelcast = hazelcast;
    this.epochs = hazelcast.getMap(HistoryNames.EPOCHS);
    this.quorum = quorum;
    this.maxChannels = maxChannels;
    this.calls = new HistoryCalls(vertx, quorum, timeout);
    this.forked = new ForkedEpochs(hazelcast, epochs, calls, vertx.getOrCreateContext());
    this.idle = new IdleRings(vertx, hazelcast, epochs, calls);
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
    MergePolicyConfig discardSmallerSide =
        new MergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
    for (ChannelOptions options : channels) {
      if (options.hasHistory()) {
        config.addRingBufferConfig(new RingbufferConfig(HistoryNames.ringPattern(options.pattern()))
            .setCapacity(options.historySize())
            .setTimeToLiveSeconds((int) Math.max(1, options.historyTtl().toSeconds()))
            .setBackupCount(backups)
            .setSplitBrainProtectionName(protection)
            .setMergePolicyConfig(discardSmallerSide));
      }
    }
    MapConfig epochMap = config.getMapConfig(HistoryNames.EPOCHS);
    epochMap
        .setBackupCount(backups)
        .setSplitBrainProtectionName(protection)
        .setMergePolicyConfig(discardSmallerSide);
  }

  @Override
  public Future<StreamPosition> append(
      String channel,
      ChannelOptions options,
      Buffer event,
      boolean binary,
      ChannelAdmission admission) {
    return calls.guarded(channel, () -> {
      String key = HistoryNames.key(channel);
      byte[] item = new StoredEvent(0, binary, event).toItem();
      if (known.contains(key)) {
        // The usual case: one round trip, the epoch read beside the append.
        Future<String> epoch = calls.local(epochs.getAsync(key));
        Future<Appended> appended = appendToRing(key, item);
        return Future.all(epoch, appended)
            .compose(both -> acknowledge(channel, key, both.resultAt(0), both.resultAt(1)));
      }
      return calls
          .local(epochs.getAsync(key))
          .compose(epoch ->
              epoch != null ? Future.succeededFuture(epoch) : create(channel, key, admission))
          .compose(epoch -> appendToRing(key, item)
              .compose(appended -> acknowledge(channel, key, epoch, appended)));
    });
  }

  /** An append's sequence in the ring, and how long Hazelcast took to answer it. */
  private record Appended(long sequence, long nanos) {}

  private Future<Appended> appendToRing(String key, byte[] item) {
    long called = System.nanoTime();
    return calls
        .local(ring(key).addAsync(item, OverflowPolicy.OVERWRITE))
        .map(sequence -> new Appended(sequence, System.nanoTime() - called));
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
      return calls.local(shared.toCompletionStage());
    }
    try {
      if (channelCount() >= maxChannels) {
        throw new HubException(
            ErrorCode.TOO_MANY_CHANNELS,
            "the cluster holds " + maxChannels
                + " channels with history, the most this node allows");
      }
      admission.admit(channel);
    } catch (HubException refused) {
      creating.remove(key, mine.future());
      mine.fail(refused);
      return mine.future();
    }
    idle.counted();
    calls.local(epochs.submitToKey(key, EpochUpdate.assign(Epochs.fresh()))).onComplete(done -> {
      creating.remove(key, mine.future());
      mine.handle(done);
    });
    return mine.future();
  }

  /**
   * The position of an appended event, once a majority is seen to hold it: when the cluster is
   * meant to have more than one node, once its backups acknowledged it and a majority answers
   * after the append completed ({@link HistoryQuorum}).
   */
  private Future<StreamPosition> acknowledge(
      String channel, String key, String epoch, Appended appended) {
    long sequence = appended.sequence();
    if (!quorum.present()) {
      return notAcknowledged(channel, key);
    }
    if (!quorum.required()) {
      return settle(key, epoch, sequence);
    }
    if (!quorum.backupConfirmed(appended.nanos())) {
      return notAcknowledged(
          channel,
          key,
          "the event's backup copy was not confirmed within the cluster's backup timeout");
    }
    return calls
        .local(quorum.answersFromNow())
        .compose(held -> held ? settle(key, epoch, sequence) : notAcknowledged(channel, key));
  }

  /**
   * A ring that starts at sequence 0 was made just now, maybe after its history was lost: the
   * epoch read beside the append may be the lost one's, so it is settled again on the owner.
   */
  private Future<StreamPosition> settle(String key, String epoch, long sequence) {
    if (epoch == null || sequence == 0) {
      return calls
          .local(epochs.submitToKey(key, EpochUpdate.assign(Epochs.fresh())))
          .map(settled -> {
            known.add(key);
            return new StreamPosition(sequence + 1, settled);
          });
    }
    remember(key);
    return Future.succeededFuture(new StreamPosition(sequence + 1, epoch));
  }

  /** Stored while a majority could not be seen to hold it: refused, and the channel's epoch renewed after a merge. */
  private Future<StreamPosition> notAcknowledged(String channel, String key) {
    return notAcknowledged(
        channel, key, "the event was stored while this node lost sight of the cluster's majority");
  }

  private Future<StreamPosition> notAcknowledged(String channel, String key, String why) {
    forked.add(key);
    return Future.failedFuture(HistoryCalls.unavailable(channel, why + " and is not acknowledged"));
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return calls.guarded(channel, () -> {
      String key = HistoryNames.key(channel);
      return calls
          .local(epochs.getAsync(key))
          .compose(epoch -> epoch == null
              ? Future.succeededFuture(new StreamPosition(0, null))
              : calls
                  .local(HazelcastInternals.ringTail(ring(key)))
                  .map(tail -> new StreamPosition(tail + 1, epoch)));
    });
  }

  @Override
  public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    return calls.guarded(channel, () -> {
      String key = HistoryNames.key(channel);
      return calls
          .local(epochs.getAsync(key))
          .compose(epoch -> epoch == null
              ? Future.succeededFuture(HistoryPage.none(afterOffset))
              : readRing(key, epoch, afterOffset, limit));
    });
  }

  @Override
  public Future<HistoryPage> newest(String channel, int limit) {
    return calls.guarded(channel, () -> {
      String key = HistoryNames.key(channel);
      return calls
          .local(epochs.getAsync(key))
          .compose(epoch -> epoch == null
              ? Future.succeededFuture(HistoryPage.none(0))
              : calls
                  .local(HazelcastInternals.ringTail(ring(key)))
                  .compose(tail -> readRing(key, epoch, Math.max(0, tail + 1 - limit), limit)));
    });
  }

  /** The ring's events after {@code afterOffset} (its sequence is the offset of the event before). */
  private Future<HistoryPage> readRing(String key, String epoch, long afterOffset, int limit) {
    Ringbuffer<byte[]> ring = ring(key);
    int count = (int) Math.max(1, Math.min(Math.min(limit, PAGE), ring.capacity()));
    return calls.local(ring.readManyAsync(afterOffset, 0, count, null)).compose(result -> {
      List<StoredEvent> events = new ArrayList<>(result.size());
      for (int i = 0; i < result.size(); i++) {
        events.add(StoredEvent.fromItem(result.getSequence(i) + 1, result.get(i)));
      }
      if (!events.isEmpty()) {
        // A read from before the oldest retained event starts at the oldest one: what lay between
        // is gone.
        return Future.succeededFuture(
            new HistoryPage(epoch, events.get(0).offset() == afterOffset + 1, events));
      }
      // Nothing after the offset: complete unless what came after it has expired, that is unless
      // the oldest event held is past the one after it. (Not "the offset is the newest": an event
      // may have been appended since the read.)
      return calls
          .local(HazelcastInternals.ringHead(ring))
          .map(head -> new HistoryPage(epoch, head <= afterOffset, events));
    });
  }

  @Override
  public Future<List<String>> idleChannels() {
    return quorum.present() ? idle.find() : Future.succeededFuture(List.of());
  }

  @Override
  public Future<Void> free(String channel) {
    String key = HistoryNames.key(channel);
    return calls.guarded(
        channel,
        () -> idle.free(key).map(removed -> {
          if (removed) {
            known.remove(key);
          }
          return null;
        }));
  }

  @Override
  public int channelCount() {
    return idle.count();
  }

  private void remember(String key) {
    if (known.size() >= KNOWN_MAX) {
      known.clear(); // a bound, not a cache policy: the cost of forgetting is one sequential append
    }
    known.add(key);
  }

  private Ringbuffer<byte[]> ring(String key) {
    return hazelcast.getRingbuffer(HistoryNames.ring(key));
  }
}
