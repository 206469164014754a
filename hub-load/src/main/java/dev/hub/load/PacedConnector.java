package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens many connections as a paced storm: at most {@code perSecond} started a second, at most
 * {@value #MAX_IN_FLIGHT} in flight, spread over the event loops. A server (or this process) out of
 * sockets fails connections fast and forever, so after {@value #GIVE_UP_AFTER} failures in a row it
 * stops starting new ones instead of hammering on. Every open has timeouts of its own; should
 * none end for {@value #STALL_SECONDS} s all the same (this process out of memory, say), the storm
 * ends, counting those in flight as failed: it always ends. Its bookkeeping runs on one
 * coordinator context; each open runs on the loop its socket will live on.
 */
final class PacedConnector<T> {
  static final int MAX_IN_FLIGHT = 256;
  static final int GIVE_UP_AFTER = 100;
  static final long STALL_SECONDS = 60;
  private static final int DISTINCT_REASONS = 5;
  private static final long TICK_MS = 5;

  /** Opens the {@code index}-th connection; called on {@code loops.get(loop)}, where it is to live. */
  interface Opener<T> {
    Future<T> open(int index, int loop);
  }

  /**
   * @param opened the connections opened (in index order)
   * @param failed connections attempted that failed
   * @param notAttempted connections never attempted, after the storm gave up
   * @param reasons the first distinct failure reasons, with how many failures each
   */
  record Report<T>(
      List<T> opened, int failed, int notAttempted, Map<String, Integer> reasons, long nanos) {
    double seconds() {
      return nanos / 1e9;
    }

    double perSecond() {
      return nanos == 0 ? 0 : opened.size() / seconds();
    }
  }

  private final Context coordinator;
  private final List<Context> loops;
  private final double perSecond;
  private final Opener<T> opener;
  private final Promise<Report<T>> done = Promise.promise();
  private final Map<String, Integer> reasons = new LinkedHashMap<>();
  private Object[] results;
  private int count;
  private int next;
  private int inFlight;
  private int failed;
  private int failedInARow;
  private boolean givenUp;
  private double allowance;
  private long started;
  private long lastTick;
  private long lastEnded;
  private long timer = -1;

  /** @param perSecond opens started per second; 0 for no pacing (the in-flight bound still holds) */
  PacedConnector(Context coordinator, List<Context> loops, int perSecond, Opener<T> opener) {
    this.coordinator = coordinator;
    this.loops = List.copyOf(loops);
    this.perSecond = perSecond;
    this.opener = opener;
  }

  /** Opens {@code count} connections; the report comes when every attempt has ended. */
  Future<Report<T>> open(int count) {
    coordinator.runOnContext(v -> begin(count));
    return done.future();
  }

  private void begin(int total) {
    count = total;
    results = new Object[total];
    started = System.nanoTime();
    lastTick = started;
    lastEnded = started;
    allowance = 1;
    Vertx vertx = coordinator.owner();
    if (count > 0) {
      timer = vertx.setPeriodic(TICK_MS, id -> tick());
    }
    startWhileAllowed();
  }

  private void tick() {
    long now = System.nanoTime();
    if (perSecond > 0) {
      // Capped at 50 ms worth, so a stalled loop does not release a burst afterwards.
      allowance =
          Math.min(Math.max(1, perSecond / 20), allowance + perSecond * (now - lastTick) / 1e9);
    }
    lastTick = now;
    if (inFlight > 0 && now - lastEnded > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
      stall();
      return;
    }
    startWhileAllowed();
  }

  private void stall() {
    givenUp = true;
    failed += inFlight;
    reasons.merge("no answer within " + STALL_SECONDS + " s", inFlight, Integer::sum);
    inFlight = 0;
    finishIfDone();
  }

  private void startWhileAllowed() {
    while (next < count
        && !givenUp
        && inFlight < MAX_IN_FLIGHT
        && (perSecond == 0 || allowance >= 1)) {
      allowance--;
      int index = next++;
      inFlight++;
      // compose: an opener that throws fails its connection instead of stalling the storm.
      int loop = index % loops.size();
      loops
          .get(loop)
          .runOnContext(v -> Future.succeededFuture()
              .compose(w -> opener.open(index, loop))
              .onComplete(result ->
                  coordinator.runOnContext(w -> ended(index, result.result(), result.cause()))));
    }
    finishIfDone();
  }

  private void ended(int index, T opened, Throwable failure) {
    if (done.future().isComplete()) {
      return; // after a stall; Vert.x's close ends its socket
    }
    lastEnded = System.nanoTime();
    inFlight--;
    if (failure == null) {
      results[index] = opened;
      failedInARow = 0;
    } else {
      failed++;
      failedInARow++;
      String reason = reason(failure);
      if (reasons.containsKey(reason) || reasons.size() < DISTINCT_REASONS) {
        reasons.merge(reason, 1, Integer::sum);
      }
      givenUp |= failedInARow >= GIVE_UP_AFTER;
    }
    startWhileAllowed();
  }

  /** The failure's message and its cause's: "Failed to open a socket." alone hides "Too many open files". */
  private static String reason(Throwable failure) {
    String message =
        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    Throwable cause = failure.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += ": " + cause.getMessage();
    }
    return message;
  }

  @SuppressWarnings("unchecked")
  private void finishIfDone() {
    if (inFlight > 0 || (next < count && !givenUp) || done.future().isComplete()) {
      return;
    }
    if (timer >= 0) {
      coordinator.owner().cancelTimer(timer);
    }
    List<T> opened = new ArrayList<>();
    for (Object result : results) {
      if (result != null) {
        opened.add((T) result);
      }
    }
    done.complete(new Report<>(
        List.copyOf(opened),
        failed,
        count - next,
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons)),
        System.nanoTime() - started));
  }
}
