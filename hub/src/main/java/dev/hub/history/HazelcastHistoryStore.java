package dev.hub.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.hub.config.ChannelOptions;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * History in Hazelcast: one Ringbuffer per channel (capacity and time to live from the channel's
 * options, one synchronous backup so it survives the loss of any one node), offset = ring
 * sequence + 1. The epoch lives in a map entry in the same partition as the ring, so the two are
 * lost together: a ring rebuilt from nothing starts again at sequence 0, and the missing entry
 * makes the next writer choose a new epoch.
 */
public final class HazelcastHistoryStore implements HistoryStore {
  static final String RING_PREFIX = "hub.history.";
  static final String EPOCHS = "hub.epochs";
  /** Hazelcast reads at most this many items per call. */
  private static final int READ_BATCH = 1000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> epochs;

  public HazelcastHistoryStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.epochs = hazelcast.getMap(EPOCHS);
  }

  /** Adds a ring configuration per channel pattern with history; call before the member starts. */
  public static void configure(Config config, List<ChannelOptions> channels) {
    for (ChannelOptions options : channels) {
      if (options.historySize() > 0) {
        config.addRingBufferConfig(new RingbufferConfig(RING_PREFIX + key(options.pattern()))
            .setCapacity(options.historySize())
            .setTimeToLiveSeconds((int) Math.max(1, options.historyTtl().toSeconds()))
            .setBackupCount(1));
      }
    }
    config.getMapConfig(EPOCHS).setBackupCount(1);
  }

  @Override
  public Future<StreamPosition> append(String channel, ChannelOptions options, Buffer event, boolean binary) {
    Future<Long> sequence = Future.fromCompletionStage(
        ring(channel).addAsync(new StoredEvent(0, binary, event).toItem(), OverflowPolicy.OVERWRITE),
        vertx.getOrCreateContext());
    return Future.all(sequence, epoch(channel))
        .map(both -> new StreamPosition(both.<Long>resultAt(0) + 1, both.resultAt(1)));
  }

  @Override
  public Future<StreamPosition> latest(String channel) {
    return vertx.executeBlocking(() -> new StreamPosition(ring(channel).tailSequence() + 1, epochNow(channel)), false);
  }

  @Override
  public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    // Ring reads and their bounds are blocking calls: they run on a worker, never an event loop.
    return vertx.executeBlocking(() -> readNow(channel, afterOffset, limit), false);
  }

  private HistoryPage readNow(String channel, long afterOffset, int limit) throws Exception {
    Ringbuffer<byte[]> ring = ring(channel);
    String epoch = epochNow(channel);
    long head = ring.headSequence();
    long tail = ring.tailSequence();
    long next = Math.max(afterOffset, head);
    boolean complete = afterOffset >= head && afterOffset <= tail + 1;
    List<StoredEvent> events = new ArrayList<>();
    while (next <= tail && events.size() < limit) {
      int batch = (int) Math.min(READ_BATCH, Math.min(limit - events.size(), tail - next + 1));
      ReadResultSet<byte[]> result = ring.readManyAsync(next, 0, batch, null)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (result.readCount() == 0) {
        break;
      }
      for (int i = 0; i < result.size(); i++) {
        events.add(StoredEvent.fromItem(result.getSequence(i) + 1, result.get(i)));
      }
      next = result.getNextSequenceToReadFrom();
    }
    return new HistoryPage(epoch, tail + 1, complete, events);
  }

  private Future<String> epoch(String channel) {
    String key = key(channel);
    return Future.fromCompletionStage(epochs.getAsync(key), vertx.getOrCreateContext())
        .compose(epoch -> epoch != null ? Future.succeededFuture(epoch)
            : vertx.executeBlocking(() -> epochNow(channel), false));
  }

  /** The channel's epoch, chosen now if it has none (new channel, or its history was lost). */
  private String epochNow(String channel) {
    String key = key(channel);
    String fresh = UUID.randomUUID().toString().substring(0, 8);
    String existing = epochs.putIfAbsent(key, fresh);
    return existing != null ? existing : fresh;
  }

  private Ringbuffer<byte[]> ring(String channel) {
    String key = key(channel);
    // name@key: the ring lives in the partition of the epoch entry keyed by the same string.
    return hazelcast.getRingbuffer(RING_PREFIX + key + "@" + key);
  }

  /** '@' is Hazelcast's partition-key separator and legal in channel names: escape it. */
  static String key(String channel) {
    return channel.replace("@", "%40");
  }
}
