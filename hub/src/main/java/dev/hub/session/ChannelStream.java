package dev.hub.session;

import dev.hub.history.Epochs;
import dev.hub.history.HistoryPage;
import dev.hub.history.HistoryStore;
import dev.hub.history.StoredEvent;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.EventBytes;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.protocol.StreamPosition;
import dev.hub.routing.FanoutEvent;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection's subscription to a channel with history: it first catches up from the history,
 * then writes the live events its event loop's feed hands it (already in offset order, each once),
 * with no gap and no duplicate across the switch.
 *
 * <p>Catching up reads the history in pages and writes them only while the client keeps up
 * ({@link Outbound#writable()}), so a replay larger than the outbound bound is paced by the
 * client's reading rather than ending in {@code slow_consumer}; live events meanwhile are left to
 * the reading, which goes on until it reaches the feed. Everything runs on the connection's event
 * loop, so no event can slip between the last page and the first live event.
 *
 * <p>A live event of a newer epoch means the history the client holds a position in is gone or
 * was replaced: the client is told so ({@link ServerFrames#epochChanged}) before that event.
 */
final class ChannelStream {
  /** Events read per page of a replay. */
  static final int REPLAY_PAGE = 200;
  /** How long a replay waits for a client that has stopped reading before it gives up on it. */
  static final long REPLAY_STALL_MS = 30_000;

  private final String channel;
  private final Session session;
  /** The offset of the last event written to the client; -1 while catching up. */
  private long position = -1;

  private String epoch;
  private boolean closed;

  ChannelStream(String channel, Session session) {
    this.channel = channel;
    this.session = session;
  }

  /** A live event from the feed: written if the stream is live and the client has not had it. */
  void offer(FanoutEvent event) {
    if (closed || position < 0) {
      return; // catching up: the reading will write it
    }
    if (event.epoch() != null && !event.epoch().equals(epoch)) {
      if (epoch != null && !Epochs.isNewer(event.epoch(), epoch)) {
        return;
      }
      if (epoch != null) {
        session.reply(ServerFrames.epochChanged(channel, event.offset() - 1, event.epoch()));
        position = event.offset() - 1;
      }
      epoch = event.epoch();
    }
    if (event.offset() <= position) {
      return;
    }
    position = event.offset();
    session.write(event);
  }

  void close() {
    closed = true;
  }

  /**
   * Writes the stored events after {@code from} up to {@code target} and on to wherever the
   * event loop's feed has got meanwhile, then goes live. The first page may already be in hand (a
   * subscribe with {@code since} read it to decide whether it recovers).
   *
   * @param from the offset the client has, in {@code fromEpoch} (null: the channel had no history)
   * @param target the channel's newest offset when the subscribe read it
   * @param firstPage the events after {@code from} if already read, else null
   * @return completes once the stream is live, or fails if it had to break off
   */
  Future<Void> catchUp(long from, String fromEpoch, long target, HistoryPage firstPage) {
    epoch = firstPage != null && firstPage.epoch() != null ? firstPage.epoch() : fromEpoch;
    Future<Long> written =
        firstPage == null ? Future.succeededFuture(from) : writePaced(firstPage.events(), 0, from);
    return written.compose(last -> follow(last, target));
  }

  /** Reads and writes until nothing stored up to the target or written by the feed is missing, then goes live. */
  private Future<Void> follow(long from, long target) {
    if (closed) {
      return Future.succeededFuture();
    }
    StreamPosition feed = session.services().registry().feedPosition(channel);
    long goal =
        feed != null && sameHistory(feed.epoch()) ? Math.max(target, feed.offset()) : target;
    if (from >= goal) {
      // Live from here: a feed started now writes what it kept at once, and this stream takes it.
      // (A feed in another epoch: its first live event tells the client, if it is the newer one.)
      position = from;
      if (feed == null) {
        session.services().registry().startFeed(channel, new StreamPosition(from, epoch));
      }
      return Future.succeededFuture();
    }
    return session
        .services()
        .history()
        .read(channel, from, Math.min(REPLAY_PAGE, HistoryStore.PAGE))
        .compose(page -> {
          if (closed) {
            return Future.succeededFuture(from);
          }
          if (!page.complete() || page.events().isEmpty() || !sameHistory(page.epoch())) {
            return Future.failedFuture(new HubException(
                ErrorCode.UNAVAILABLE,
                "the history of " + channel + " changed while it was being replayed"));
          }
          epoch = page.epoch();
          return writePaced(page.events(), 0, from);
        })
        .compose(last -> follow(last, target));
  }

  /** Whether the feed's epoch is the one being replayed (a channel that had none takes the feed's). */
  private boolean sameHistory(String feedEpoch) {
    return epoch == null || epoch.equals(feedEpoch);
  }

  /** Writes events from {@code index} on while the client keeps up; waits for it when it does not. */
  private Future<Long> writePaced(List<StoredEvent> events, int index, long from) {
    long last = from;
    for (int i = index; i < events.size(); i++) {
      if (closed) {
        return Future.succeededFuture(last);
      }
      if (!session.writable()) {
        int next = i;
        long at = last;
        return session
            .whenWritable()
            .timeout(REPLAY_STALL_MS, TimeUnit.MILLISECONDS)
            .recover(stalled -> Future.failedFuture(new HubException(
                ErrorCode.SLOW_CONSUMER,
                "the client read nothing of a replay for " + REPLAY_STALL_MS / 1000 + " s")))
            .compose(v -> writePaced(events, next, at));
      }
      StoredEvent event = events.get(i);
      if (event.offset() > last) {
        session.write(
            EventBytes.withPosition(event.bytes(), event.binary(), event.offset(), epoch),
            event.binary());
        last = event.offset();
      }
    }
    return Future.succeededFuture(last);
  }
}
