package dev.hub.session;

import dev.hub.history.StoredEvent;
import dev.hub.protocol.EventBytes;
import dev.hub.routing.FanoutEvent;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's view of one channel with history: writes its events in offset order, each
 * once, with no gap.
 *
 * <p>Events reach a node out of order when two nodes publish to the channel at once (each appends
 * to the history, then publishes; the second append can overtake the first on the wire). An event
 * that arrives ahead of its predecessor waits; when the gap is still open after
 * {@link #GAP_WAIT_MS}, the missing events are read from the history. Waiting first is the cheap
 * path: a reorder between two publishers closes within a few milliseconds, and only a real loss
 * (a node that died between append and publish) costs a history read. An event older than the
 * last one written is a duplicate and is dropped.
 *
 * <p>Until {@link #start} the stream only collects: the subscribe that created it is still
 * reading the position (and replaying what the client missed), and live events must follow that.
 */
final class ChannelStream {
  /** How long an early event waits for the one before it before the history is asked. */
  static final long GAP_WAIT_MS = 100;
  private static final Logger log = LoggerFactory.getLogger(ChannelStream.class);

  private final String channel;
  private final Session session;
  private final TreeMap<Long, FanoutEvent> pending = new TreeMap<>();
  private long last = -1;
  private String epoch;
  private long gapTimer = -1;
  private boolean filling;
  private boolean closed;

  ChannelStream(String channel, Session session) {
    this.channel = channel;
    this.session = session;
  }

  void offer(FanoutEvent event) {
    if (closed || (last >= 0 && event.offset() <= last)) {
      return;
    }
    // A connection that cannot keep up is closed by its outbound limit long before this fills;
    // the bound keeps a stalled start from holding events without limit.
    if (pending.size() >= session.services().config().limits().outboundBytes() / 64) {
      log.warn("connection {}: too many events waiting on {}, skipping ahead", session.connectionId(), channel);
      last = pending.lastKey();
      pending.clear();
    }
    pending.put(event.offset(), event);
    if (last >= 0) {
      drain();
    }
  }

  /** Writes live events from just after {@code position} on. */
  void start(long position, String epoch) {
    this.last = position;
    this.epoch = epoch;
    drain();
  }

  void close() {
    closed = true;
    pending.clear();
    if (gapTimer >= 0) {
      session.services().vertx().cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }

  private void drain() {
    while (!filling && !pending.isEmpty()) {
      long first = pending.firstKey();
      if (first <= last) {
        pending.pollFirstEntry();
      } else if (first == last + 1) {
        session.write(pending.pollFirstEntry().getValue());
        last = first;
      } else {
        awaitGap();
        return;
      }
    }
  }

  private void awaitGap() {
    if (gapTimer < 0) {
      gapTimer = session.services().vertx().setTimer(GAP_WAIT_MS, id -> {
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
    filling = true;
    long from = last;
    long until = pending.firstKey() - 1;
    session.services().history().read(channel, from, (int) (until - from)).onComplete(read -> {
      filling = false;
      if (closed) {
        return;
      }
      if (read.succeeded()) {
        for (StoredEvent stored : read.result().events()) {
          if (stored.offset() == last + 1 && stored.offset() <= until) {
            session.write(EventBytes.withPosition(stored.bytes(), stored.binary(), stored.offset(), epoch),
                stored.binary());
            last = stored.offset();
          }
        }
      }
      if (last < until) {
        // Gone from the history too (retention, or the store is down): nothing can close the gap.
        log.warn("connection {}: events {}..{} of {} are lost", session.connectionId(), last + 1, until, channel);
        last = until;
      }
      drain();
    });
  }
}
