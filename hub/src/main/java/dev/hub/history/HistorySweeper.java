package dev.hub.history;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the history of channels that had no event for their retention and have no subscriber
 * anywhere in the cluster, so that channels used once (a room per meeting, a channel per order)
 * do not hold their ring's whole capacity forever. Each node sweeps the channels whose history it
 * holds; a channel used again later starts over under a new epoch.
 */
public final class HistorySweeper {
  private static final Logger log = LoggerFactory.getLogger(HistorySweeper.class);

  private final Vertx vertx;
  private final HistoryStore store;
  private final Function<List<String>, Future<Set<String>>> subscribed;
  private long timer = -1;
  private boolean sweeping;

  /**
   * @param subscribed the channels of a list that have a subscriber on some node; a node that does
   *     not answer counts as having them all
   */
  public HistorySweeper(
      Vertx vertx, HistoryStore store, Function<List<String>, Future<Set<String>>> subscribed) {
    this.vertx = vertx;
    this.store = store;
    this.subscribed = subscribed;
  }

  /** Sweeps every {@code periodMs} from now on. */
  public void start(long periodMs) {
    timer = vertx.setPeriodic(periodMs, id -> sweep());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One sweep; completes when every idle channel found has been freed or left. */
  public Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return store
        .idleChannels()
        .compose(idle -> idle.isEmpty()
            ? Future.succeededFuture(List.<String>of())
            : subscribed
                .apply(idle)
                .map(inUse ->
                    idle.stream().filter(channel -> !inUse.contains(channel)).toList()))
        .compose(unused -> Future.join(unused.stream().map(store::free).toList())
            .otherwiseEmpty()
            .map(done -> unused.size()))
        .onSuccess(freed -> {
          if (freed > 0) {
            log.info("freed the idle history of {} channel(s)", freed);
          }
        })
        .onFailure(e -> log.warn("history sweep failed: {}", e.toString()))
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }
}
