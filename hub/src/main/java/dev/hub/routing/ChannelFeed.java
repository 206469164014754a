package dev.hub.routing;

import dev.hub.history.Epochs;
import dev.hub.history.HistoryPage;
import dev.hub.history.HistoryStore;
import dev.hub.history.SharedHistoryReads;
import dev.hub.history.StoredEvent;
import dev.hub.protocol.EventBytes;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's ordered view of one channel with history, shared by all its subscribers there:
 * it writes the channel's events to them in offset order, each once, with no gap, so that ordering
 * costs once per event loop and not once per connection.
 *
 * <p>Events reach a node out of order when two nodes publish to the channel at once (each appends
 * to the history, then publishes; the second append can overtake the first on the wire). An event
 * that arrives ahead of its predecessor waits; when the gap is still open after
 * {@link #GAP_WAIT_MS}, the missing events are read from the history, once for the whole node (see
 * {@link SharedHistoryReads}). Waiting first is the cheap path: a reorder between two publishers
 * closes within a few milliseconds, and only a real loss (a node that died between append and
 * publish) costs a read.
 *
 * <p>Epochs: the feed follows the newest epoch it hears of ({@link Epochs#isNewer}); events of an
 * older one are stragglers and are dropped. A gap that the history cannot fill (its events fell out
 * of retention, or the history cannot be read), or more waiting events than {@link #MAX_PENDING},
 * breaks the stream: every subscriber is told ({@link Recipient#streamBroken}) and recovers with
 * {@code since}, rather than the feed skipping or repeating events.
 *
 * <p>Until a subscriber {@link #start starts} it, the feed only keeps the newest waiting events; a
 * subscriber that catches up from the history starts it where its reading ended. Runs on one event
 * loop; not thread-safe.
 */
final class ChannelFeed {
  /** How long an early event waits for the one before it before the history is asked. */
  static final long GAP_WAIT_MS = 100;
  /** Events that may wait behind a gap; past it the stream breaks rather than hold more. */
  static final int MAX_PENDING = 10_000;
  /** Reads of one gap that may fail (the history unreachable) before the stream breaks. */
  private static final int FILL_ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(ChannelFeed.class);

  private final String channel;
  private final Collection<Recipient> subscribers;
  private final SharedHistoryReads reads;
  private final Vertx vertx;
  private final TreeMap<Long, FanoutEvent> pending = new TreeMap<>();
  /** The offset of the last event written; -1 until started. */
  private long last = -1;

  private String epoch;
  private long gapTimer = -1;
  private boolean filling;
  private int failedFills;
  private boolean closed;

  /**
   * @param subscribers the registry's live set of the channel's subscribers on this event loop
   * @param reads where gaps are read from; null when this node keeps no history (nothing to fill)
   */
  ChannelFeed(
      String channel, Collection<Recipient> subscribers, SharedHistoryReads reads, Vertx vertx) {
    this.channel = channel;
    this.subscribers = subscribers;
    this.reads = reads;
    this.vertx = vertx;
  }

  /** Where the feed is: the last event written and its epoch; null before it is started. */
  StreamPosition position() {
    return last < 0 ? null : new StreamPosition(last, epoch);
  }

  /**
   * Starts writing after {@code from}, if no subscriber started the feed yet. A position in an older
   * epoch than the events already heard starts the newer epoch from its beginning (the gap is read
   * from the history).
   */
  void start(StreamPosition from) {
    if (closed || last >= 0) {
      return;
    }
    if (epoch == null || Epochs.isNewer(from.epoch(), epoch)) {
      if (epoch != null) {
        pending.clear();
      }
      epoch = from.epoch();
      last = from.offset();
    } else {
      last = epoch.equals(from.epoch()) ? from.offset() : 0;
    }
    pending.headMap(last, true).clear();
    drain();
  }

  void offer(FanoutEvent event) {
    if (closed) {
      return;
    }
    // An event without an epoch comes from a node older than epochs on the wire: take it as
    // current.
    if (epoch == null) {
      epoch = event.epoch(); // the channel's first epoch: it had no history when the feed started
    } else if (event.epoch() != null && !event.epoch().equals(epoch)) {
      if (!Epochs.isNewer(event.epoch(), epoch)) {
        return; // a straggler of an epoch the channel has left
      }
      switchTo(event.epoch(), event.offset() - 1);
    }
    if (last >= 0 && event.offset() <= last) {
      return;
    }
    if (pending.size() >= MAX_PENDING) {
      if (last >= 0) {
        breakStream("more than " + MAX_PENDING + " events waiting behind offset " + (last + 1));
        return;
      }
      pending.pollFirstEntry(); // not started: keep the newest; the starter reads the rest
    }
    pending.put(event.offset(), event);
    if (last >= 0) {
      drain();
    }
  }

  /** The channel has no subscriber here any more. */
  void close() {
    closed = true;
    pending.clear();
    cancelGapTimer();
  }

  /**
   * A newer epoch: its history began after what this feed wrote. Writing goes on from just before
   * its first event heard (subscribers tell their clients that their position no longer holds).
   */
  private void switchTo(String newer, long before) {
    epoch = newer;
    pending.clear();
    cancelGapTimer();
    if (last >= 0) {
      last = before;
    }
  }

  private void drain() {
    while (!filling && !pending.isEmpty()) {
      long first = pending.firstKey();
      if (first <= last) {
        pending.pollFirstEntry();
      } else if (first == last + 1) {
        write(pending.pollFirstEntry().getValue());
      } else {
        awaitGap();
        return;
      }
    }
  }

  private void write(FanoutEvent event) {
    last = event.offset();
    failedFills = 0;
    // A delivery can close a slow connection, which removes it from the set: iterate a copy.
    for (Recipient recipient : subscribers.toArray(new Recipient[0])) {
      recipient.deliver(event);
    }
  }

  private void awaitGap() {
    if (vertx == null) {
      fillGap(); // a registry without timers keeps no history either: nothing to wait for
      return;
    }
    if (gapTimer < 0) {
      gapTimer = vertx.setTimer(GAP_WAIT_MS, id -> {
        gapTimer = -1;
        fillGap();
      });
    }
  }

  private void fillGap() {
    if (closed || pending.isEmpty() || pending.firstKey() == last + 1) {
      drain();
      return;
    }
    if (reads == null) {
      breakStream("events " + (last + 1) + ".." + (pending.firstKey() - 1) + " never arrived");
      return;
    }
    filling = true;
    long until = pending.firstKey() - 1;
    String reading = epoch;
    reads.read(channel, last, (int) Math.min(until - last, HistoryStore.PAGE)).onComplete(read -> {
      filling = false;
      if (closed || !reading.equals(epoch)) {
        drain();
        return;
      }
      if (read.failed()) {
        if (++failedFills >= FILL_ATTEMPTS) {
          breakStream("the history cannot be read: " + read.cause().getMessage());
        } else {
          awaitGap();
        }
        return;
      }
      fill(read.result(), until);
    });
  }

  private void fill(HistoryPage page, long until) {
    if (page.epoch() == null || !page.epoch().equals(epoch)) {
      // The history was lost or replaced meanwhile, or the store has not caught up with the epoch
      // heard on the wire: nothing in it is this epoch's, and writing its events under this epoch
      // would give one (channel, epoch, offset) to two events.
      breakStream("the history holds epoch " + page.epoch() + ", not " + epoch);
      return;
    }
    long before = last;
    for (StoredEvent stored : page.events()) {
      if (stored.offset() == last + 1 && stored.offset() <= until) {
        write(new FanoutEvent(
            Audience.channel(channel),
            EventBytes.withPosition(stored.bytes(), stored.binary(), stored.offset(), epoch),
            stored.offset(),
            epoch,
            stored.binary()));
      }
    }
    if (last == before) {
      breakStream("events " + (last + 1) + ".." + until + " are no longer in the history");
      return;
    }
    if (!pending.isEmpty() && pending.firstKey() > last + 1) {
      fillGap(); // a gap wider than one read: go on at once
    } else {
      drain();
    }
  }

  private void breakStream(String why) {
    log.warn(
        "stream of {} broke on this event loop ({}); {} subscriber(s) will recover with since",
        channel,
        why,
        subscribers.size());
    pending.clear();
    cancelGapTimer();
    last = -1;
    for (Recipient recipient : subscribers.toArray(new Recipient[0])) {
      recipient.streamBroken(channel);
    }
  }

  private void cancelGapTimer() {
    if (gapTimer >= 0) {
      vertx.cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }
}
