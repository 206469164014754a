package dev.hub.history;

import dev.hub.config.ChannelOptions;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * History for a node that is not clustered (tests, a single development node): the same rules as
 * {@link HazelcastHistoryStore} kept in this process's memory, each channel with an epoch of its
 * own from its first event. Synchronized: any event loop may call it.
 */
public final class LocalHistoryStore implements HistoryStore {
  private final Clock clock;
  private final int maxChannels;
  private final Map<String, Ring> rings = new HashMap<>();

  public LocalHistoryStore(Clock clock) {
    this(clock, Integer.MAX_VALUE);
  }

  /** @param maxChannels channels with history this node may hold */
  public LocalHistoryStore(Clock clock, int maxChannels) {
    this.clock = clock;
    this.maxChannels = maxChannels;
  }

  @Override
  public synchronized Future<StreamPosition> append(
      String channel,
      ChannelOptions options,
      Buffer event,
      boolean binary,
      ChannelAdmission admission) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      try {
        if (rings.size() >= maxChannels) {
          throw new HubException(
              ErrorCode.TOO_MANY_CHANNELS,
              "this node holds " + maxChannels + " channels with history, the most it allows");
        }
        admission.admit(channel);
      } catch (HubException e) {
        return Future.failedFuture(e);
      }
      ring = new Ring(Epochs.fresh(), options.historyTtl());
      rings.put(channel, ring);
    }
    Instant now = clock.instant();
    ring.evict(options.historySize() - 1, now);
    long offset = ++ring.latest;
    ring.events.addLast(new Entry(new StoredEvent(offset, binary, event.copy()), now));
    ring.lastAppend = now;
    return Future.succeededFuture(new StreamPosition(offset, ring.epoch));
  }

  @Override
  public synchronized Future<StreamPosition> position(String channel) {
    Ring ring = rings.get(channel);
    return Future.succeededFuture(
        ring == null ? new StreamPosition(0, null) : new StreamPosition(ring.latest, ring.epoch));
  }

  @Override
  public synchronized Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      return Future.succeededFuture(HistoryPage.none(afterOffset));
    }
    ring.evict(Integer.MAX_VALUE, clock.instant());
    int max = Math.min(limit, PAGE);
    List<StoredEvent> events = new ArrayList<>();
    for (Entry entry : ring.events) {
      if (entry.event().offset() > afterOffset && events.size() < max) {
        events.add(entry.event());
      }
    }
    boolean complete =
        events.isEmpty() ? afterOffset == ring.latest : events.get(0).offset() == afterOffset + 1;
    return Future.succeededFuture(new HistoryPage(ring.epoch, complete, events));
  }

  @Override
  public synchronized Future<HistoryPage> newest(String channel, int limit) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      return Future.succeededFuture(HistoryPage.none(0));
    }
    return read(channel, Math.max(0, ring.latest - Math.min(limit, PAGE)), limit)
        .map(page -> new HistoryPage(page.epoch(), true, page.events()));
  }

  @Override
  public synchronized Future<List<String>> idleChannels() {
    Instant now = clock.instant();
    List<String> idle = new ArrayList<>();
    rings.forEach((channel, ring) -> {
      ring.evict(Integer.MAX_VALUE, now);
      if (ring.events.isEmpty() && !ring.lastAppend.plus(ring.ttl).isAfter(now)) {
        idle.add(channel);
      }
    });
    return Future.succeededFuture(idle);
  }

  @Override
  public synchronized Future<Void> free(String channel) {
    Ring ring = rings.get(channel);
    if (ring != null && ring.events.isEmpty()) {
      rings.remove(channel);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized int channelCount() {
    return rings.size();
  }

  private record Entry(StoredEvent event, Instant storedAt) {}

  private static final class Ring {
    final ArrayDeque<Entry> events = new ArrayDeque<>();
    final String epoch;
    final Duration ttl;
    long latest;
    Instant lastAppend = Instant.EPOCH;

    Ring(String epoch, Duration ttl) {
      this.epoch = epoch;
      this.ttl = ttl;
    }

    void evict(int keep, Instant now) {
      Instant expiredBefore = now.minus(ttl);
      while (!events.isEmpty()
          && (events.size() > keep || events.peekFirst().storedAt().isBefore(expiredBefore))) {
        events.removeFirst();
      }
    }
  }
}
