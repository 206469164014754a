package dev.hub.history;

import dev.hub.config.ChannelOptions;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * History for a node that is not clustered (tests, a single development node): the same rules as
 * {@link HazelcastHistoryStore} kept in this process's memory. Synchronized: any event loop may
 * call it.
 */
public final class LocalHistoryStore implements HistoryStore {
  private final Clock clock;
  private final String epoch = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Ring> rings = new HashMap<>();

  public LocalHistoryStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Future<StreamPosition> append(String channel, ChannelOptions options, Buffer event,
                                                    boolean binary) {
    Ring ring = rings.computeIfAbsent(channel, c -> new Ring());
    ring.evict(options.historySize() - 1, clock.instant().minus(options.historyTtl()));
    long offset = ++ring.latest;
    ring.events.addLast(new Entry(new StoredEvent(offset, binary, event.copy()), clock.instant()));
    return Future.succeededFuture(new StreamPosition(offset, epoch));
  }

  @Override
  public synchronized Future<StreamPosition> latest(String channel) {
    Ring ring = rings.get(channel);
    return Future.succeededFuture(new StreamPosition(ring == null ? 0 : ring.latest, epoch));
  }

  @Override
  public synchronized Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      return Future.succeededFuture(new HistoryPage(epoch, 0, afterOffset == 0, List.of()));
    }
    long oldest = ring.events.isEmpty() ? ring.latest + 1 : ring.events.peekFirst().event().offset();
    boolean complete = afterOffset + 1 >= oldest && afterOffset <= ring.latest;
    List<StoredEvent> events = new ArrayList<>();
    for (Entry entry : ring.events) {
      if (entry.event().offset() > afterOffset && events.size() < limit) {
        events.add(entry.event());
      }
    }
    return Future.succeededFuture(new HistoryPage(epoch, ring.latest, complete, events));
  }

  private record Entry(StoredEvent event, Instant storedAt) {
  }

  private static final class Ring {
    final ArrayDeque<Entry> events = new ArrayDeque<>();
    long latest;

    void evict(int keep, Instant expiredBefore) {
      while (!events.isEmpty() && (events.size() > keep || events.peekFirst().storedAt().isBefore(expiredBefore))) {
        events.removeFirst();
      }
    }
  }
}
