package dev.hub.routing;

import static dev.hub.routing.TestEvents.epochAt;
import static dev.hub.routing.TestEvents.json;
import static dev.hub.routing.TestEvents.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ChannelOptions;
import dev.hub.history.ChannelAdmission;
import dev.hub.history.HistoryStore;
import dev.hub.history.LocalHistoryStore;
import dev.hub.history.SharedHistoryReads;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One event loop's ordered view of a history channel, driven on its event loop with recording
 * subscribers and, where it reads, a real in-memory history: events go out in offset order, once,
 * with no gap; a newer epoch is followed and an older one dropped; a gap is filled from the
 * history with one read, or breaks the stream when the history cannot fill it; a feed no
 * subscriber started yet keeps what it hears for the one that starts it.
 */
class ChannelFeedTest {
  private static final String CHANNEL = "ledger";
  private static final ChannelOptions KEEP_100 = options(100);
  private static final Duration WAIT = Duration.ofSeconds(TestLoop.WAIT_S);

  private final TestLoop loop = new TestLoop(Vertx.vertx());
  private final RecordingRecipient alice = new RecordingRecipient("alice");
  private final RecordingRecipient bob = new RecordingRecipient("bob");
  private final Set<Recipient> subscribers = new LinkedHashSet<>(List.of(alice, bob));
  private final LocalHistoryStore store = new LocalHistoryStore(Clock.systemUTC());
  private final AtomicInteger reads = new AtomicInteger();

  @AfterEach
  void close() {
    loop.close();
  }

  private ChannelFeed feed(HistoryStore history) {
    return new ChannelFeed(
        CHANNEL,
        subscribers,
        new SharedHistoryReads(history, reads::incrementAndGet),
        loop.vertx());
  }

  private ChannelFeed feed() {
    return feed(store);
  }

  private static ChannelOptions options(int size) {
    return new ChannelOptions(CHANNEL, size, Duration.ofHours(1), false, false, true);
  }

  /** Stores events 1..count in the real history and returns its epoch. */
  private String stored(int count, ChannelOptions options) {
    String epoch = null;
    for (int n = 1; n <= count; n++) {
      epoch = store
          .append(CHANNEL, options, json(n), false, ChannelAdmission.ANY)
          .result()
          .epoch();
    }
    return epoch;
  }

  private void offer(ChannelFeed feed, String epoch, long... offsets) {
    loop.run(() ->
        LongStream.of(offsets).forEach(offset -> feed.offer(numbered(CHANNEL, offset, epoch))));
  }

  private void start(ChannelFeed feed, long offset, String epoch) {
    loop.run(() -> feed.start(new StreamPosition(offset, epoch)));
  }

  private StreamPosition position(ChannelFeed feed) {
    return loop.call(feed::position);
  }

  /** Lets the feed's gap timer run out, so that a read it would make has been made. */
  private void pastTheGapWait() {
    loop.awaitTimer(3 * ChannelFeed.GAP_WAIT_MS);
  }

  @Test
  void eventsHeardOutOfOrderGoOutInOffsetOrderOnceToEverySubscriber() {
    String epoch = stored(4, KEEP_100);
    ChannelFeed feed = feed();
    start(feed, 0, epoch);
    offer(feed, epoch, 2, 4, 3, 1);
    offer(feed, epoch, 1, 3, 2, 4);
    assertThat(List.of(alice.offsets(), bob.offsets()))
        .containsExactly(List.of(1L, 2L, 3L, 4L), List.of(1L, 2L, 3L, 4L));
    assertThat(alice.numbers()).containsExactly(1, 2, 3, 4);
    assertThat(position(feed)).isEqualTo(new StreamPosition(4, epoch));
    pastTheGapWait();
    assertThat(reads).as("history reads for a reorder closed at once").hasValue(0);
  }

  @Test
  void nothingAtOrBeforeTheStartIsWrittenAgain() {
    String epoch = stored(7, KEEP_100);
    ChannelFeed feed = feed();
    start(feed, 5, epoch);
    offer(feed, epoch, 4, 5, 6, 6, 5, 7);
    assertThat(alice.offsets()).containsExactly(6L, 7L);
  }

  @Test
  void aGapIsFilledFromTheHistoryWithOneReadAndTheFilledEventsCarryTheirPosition() {
    String epoch = stored(6, KEEP_100);
    ChannelFeed feed = feed();
    start(feed, 0, epoch);
    offer(feed, epoch, 1, 4, 5); // 2 and 3 never come: their publisher died after storing them
    Awaitility.await().atMost(WAIT).until(() -> bob.offsets().size() == 5);
    offer(feed, epoch, 6);
    assertThat(List.of(alice.offsets(), bob.offsets()))
        .containsExactly(List.of(1L, 2L, 3L, 4L, 5L, 6L), List.of(1L, 2L, 3L, 4L, 5L, 6L));
    assertThat(alice.numbers()).containsExactly(1, 2, 3, 4, 5, 6);
    JsonObject filled = new JsonObject(alice.events().get(1).bytes());
    assertThat(List.of(filled.getLong("offset"), filled.getString("epoch"), filled.getInteger("n")))
        .containsExactly(2L, epoch, 2);
    assertThat(reads).as("history reads for one gap").hasValue(1);
  }

  @Test
  void aGapClosedByTheLateEventWithinTheWaitCostsNoRead() {
    String epoch = stored(3, KEEP_100);
    ChannelFeed feed = feed();
    start(feed, 0, epoch);
    offer(feed, epoch, 1, 3);
    offer(feed, epoch, 2);
    assertThat(alice.offsets()).containsExactly(1L, 2L, 3L);
    pastTheGapWait();
    assertThat(reads).hasValue(0);
    assertThat(alice.offsets()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aGapTheHistoryNoLongerHoldsBreaksTheStreamForEverySubscriber() {
    String epoch = stored(5, options(2)); // keeps 4 and 5 only
    ChannelFeed feed = feed();
    start(feed, 0, epoch);
    offer(feed, epoch, 1, 5);
    Awaitility.await().atMost(WAIT).until(() -> !bob.broken().isEmpty());
    assertThat(List.of(alice.broken(), bob.broken()))
        .containsExactly(List.of(CHANNEL), List.of(CHANNEL));
    assertThat(alice.offsets()).as("no event skipped over the gap").containsExactly(1L);
    assertThat(position(feed))
        .as("a broken feed waits for a subscriber to start it again")
        .isNull();
  }

  @Test
  void aFeedWithoutAHistoryBreaksAtAGapAtOnce() {
    // A registry for channels without history has neither reads nor timers.
    ChannelFeed feed = new ChannelFeed(CHANNEL, subscribers, null, null);
    String epoch = epochAt(1_000_000, "aaaaaa");
    start(feed, 0, epoch);
    offer(feed, epoch, 1, 3);
    assertThat(List.of(alice.offsets(), alice.broken()))
        .containsExactly(List.of(1L), List.of(CHANNEL));
  }

  @Test
  void aHistoryThatCannotBeReadBreaksTheStreamAfterItsAttempts() {
    String epoch = stored(3, KEEP_100);
    ChannelFeed feed = feed(new UnreadableHistory(store));
    start(feed, 0, epoch);
    offer(feed, epoch, 1, 3);
    Awaitility.await().atMost(WAIT).until(() -> !alice.broken().isEmpty());
    assertThat(reads).as("reads tried before giving up").hasValue(3);
    assertThat(alice.offsets()).containsExactly(1L);
  }

  @Test
  void aNewerEpochIsFollowedFromItsFirstEventHeardAndTheOlderOneIsDroppedAfter() {
    String older = epochAt(1_000_000, "aaaaaa");
    String newer = epochAt(2_000_000, "bbbbbb");
    ChannelFeed feed = new ChannelFeed(CHANNEL, subscribers, null, null);
    start(feed, 0, older);
    offer(feed, older, 1, 2);
    offer(feed, newer, 1, 2);
    offer(feed, older, 3); // a straggler of the history the channel has left
    assertThat(alice.events())
        .extracting(e -> e.epoch() + "/" + e.offset())
        .containsExactly(older + "/1", older + "/2", newer + "/1", newer + "/2");
    assertThat(position(feed)).isEqualTo(new StreamPosition(2, newer));
    assertThat(alice.broken()).isEmpty();
  }

  @Test
  void aNewerEpochHeardMidStreamStartsWhereItsFirstEventIs() {
    // The history was reset, not lost: the new epoch's first event heard is not offset 1.
    String older = epochAt(1_000_000, "aaaaaa");
    String newer = epochAt(2_000_000, "bbbbbb");
    ChannelFeed feed = new ChannelFeed(CHANNEL, subscribers, null, null);
    start(feed, 0, older);
    offer(feed, older, 1);
    offer(feed, newer, 8, 9);
    assertThat(alice.offsets()).containsExactly(1L, 8L, 9L);
  }

  @Test
  void aGapIsNotFilledWithEventsOfAnotherEpoch() {
    // The feed follows an epoch newer than the one the history it reads holds (a node that has
    // not caught up after a split): events 2 and 3 of that other history are not this epoch's.
    String stale = stored(4, KEEP_100);
    String newer = epochAt(System.currentTimeMillis() + 3_600_000, "ffffff");
    ChannelFeed feed = feed();
    start(feed, 0, newer);
    offer(feed, newer, 1, 4);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> !alice.broken().isEmpty() || alice.offsets().size() > 1);
    assertThat(alice.events())
        .as("events written under epoch " + newer + " (the history holds " + stale + ")")
        .extracting(FanoutEvent::offset)
        .containsExactly(1L);
    assertThat(alice.broken()).containsExactly(CHANNEL);
  }

  @Test
  void aFeedNotStartedWritesNothingAndStartsAfterThePositionItIsGiven() {
    String epoch = stored(5, KEEP_100);
    ChannelFeed feed = feed();
    offer(feed, epoch, 1, 2, 3, 4, 5);
    assertThat(alice.events()).isEmpty();
    assertThat(position(feed)).isNull();
    start(feed, 3, epoch); // the subscriber read 1..3 from the history itself
    assertThat(alice.offsets()).containsExactly(4L, 5L);
    assertThat(reads).hasValue(0);
  }

  @Test
  void aFeedNotStartedKeepsTheNewestEventsOnly() {
    String epoch = epochAt(1_000_000, "aaaaaa");
    ChannelFeed feed = new ChannelFeed(CHANNEL, subscribers, null, null);
    int heard = ChannelFeed.MAX_PENDING + 10;
    offer(feed, epoch, LongStream.rangeClosed(1, heard).toArray());
    start(feed, 10, epoch);
    assertThat(alice.offsets()).hasSize(ChannelFeed.MAX_PENDING).startsWith(11L).endsWith((long)
        heard);
    assertThat(alice.broken()).isEmpty();
  }

  @Test
  void aStartedFeedBreaksRatherThanHoldMoreThanItsBoundBehindAGap() {
    String epoch = epochAt(1_000_000, "aaaaaa");
    ChannelFeed feed = feed();
    start(feed, 0, epoch);
    offer(
        feed,
        epoch,
        LongStream.rangeClosed(2, ChannelFeed.MAX_PENDING + 2).toArray()); // 1 is missing
    assertThat(List.of(alice.broken(), alice.events()))
        .containsExactly(List.of(CHANNEL), List.of());
  }

  @Test
  void startingInAnOlderEpochThanTheOneHeardStartsTheNewerFromItsBeginning() {
    String older = epochAt(1_000_000, "aaaaaa");
    String newer = epochAt(2_000_000, "bbbbbb");
    ChannelFeed feed = new ChannelFeed(CHANNEL, subscribers, null, null);
    offer(feed, newer, 1, 2);
    start(feed, 7, older); // the subscriber read an older history than the one now live
    assertThat(alice.events())
        .extracting(e -> e.epoch() + "/" + e.offset())
        .containsExactly(newer + "/1", newer + "/2");
  }

  @Test
  void startingInANewerEpochForgetsWhatWasHeardOfTheOlder() {
    String older = epochAt(1_000_000, "aaaaaa");
    String newer = epochAt(2_000_000, "bbbbbb");
    ChannelFeed feed = new ChannelFeed(CHANNEL, subscribers, null, null);
    offer(feed, older, 5, 6);
    start(feed, 3, newer);
    assertThat(alice.events()).isEmpty();
    offer(feed, newer, 4);
    assertThat(alice.events())
        .extracting(e -> e.epoch() + "/" + e.offset())
        .containsExactly(newer + "/4");
  }

  @Test
  void aClosedFeedWritesNothingAndReadsNothing() {
    String epoch = stored(3, KEEP_100);
    ChannelFeed feed = feed();
    start(feed, 0, epoch);
    offer(feed, epoch, 1, 3);
    loop.run(feed::close);
    offer(feed, epoch, 2);
    pastTheGapWait();
    assertThat(List.of(alice.offsets(), alice.broken())).containsExactly(List.of(1L), List.of());
    assertThat(reads).hasValue(0);
  }
}
