package dev.hub.routing;

import dev.hub.history.ForwardingHistoryStore;
import dev.hub.history.HistoryPage;
import dev.hub.history.HistoryStore;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import java.util.List;

/**
 * The history as a node sees it while the cluster store does not answer: every read fails with
 * {@code unavailable}; the rest goes to the real store under it.
 */
final class UnreadableHistory extends ForwardingHistoryStore {
  UnreadableHistory(HistoryStore store) {
    super(store);
  }

  @Override
  public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    return Future.failedFuture(
        new HubException(ErrorCode.UNAVAILABLE, "the history store did not answer"));
  }

  @Override
  public Future<List<String>> idleChannels() {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Void> free(String channel) {
    return Future.succeededFuture();
  }
}
