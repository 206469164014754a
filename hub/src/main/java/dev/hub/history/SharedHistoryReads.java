package dev.hub.history;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * History reads shared by the whole node: while a read of a run of a channel is under way, every
 * other asker of the same run waits for it instead of reading again. When a publisher stalls, every
 * event loop of the node sees the same gap in the same channel at once; they fill it with one read.
 * Each asker's future completes on its own context.
 */
public final class SharedHistoryReads {
  private final HistoryStore store;
  private final Runnable counter;
  private final Map<String, Future<HistoryPage>> inFlight = new ConcurrentHashMap<>();

  public SharedHistoryReads(HistoryStore store) {
    this(store, () -> {});
  }

  /** @param counter told of each read that goes to the store (not of those that join one under way) */
  public SharedHistoryReads(HistoryStore store, Runnable counter) {
    this.store = store;
    this.counter = counter;
  }

  /** {@link HistoryStore#read}, shared with any identical read under way. */
  public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    String key = afterOffset + "/" + limit + "/" + channel;
    Context context = Vertx.currentContext();
    Promise<HistoryPage> mine = Promise.promise();
    Future<HistoryPage> shared = inFlight.putIfAbsent(key, mine.future());
    if (shared == null) {
      shared = mine.future();
      counter.run();
      store.read(channel, afterOffset, limit).onComplete(done -> {
        inFlight.remove(key, mine.future());
        mine.handle(done);
      });
    }
    return context == null
        ? shared
        : Future.fromCompletionStage(shared.toCompletionStage(), context);
  }

  /** Reads under way now (for tests and metrics). */
  public int inFlight() {
    return inFlight.size();
  }
}
