package dev.hub.routing;

import dev.hub.config.ChannelOptions;
import dev.hub.history.ChannelAdmission;
import dev.hub.history.HistoryPage;
import dev.hub.history.HistoryStore;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The history as a node sees it while the cluster store does not answer: every read fails with
 * {@code unavailable}; the rest goes to the real store under it.
 */
final class UnreadableHistory implements HistoryStore {
  private final HistoryStore store;

  UnreadableHistory(HistoryStore store) {
    this.store = store;
  }

  @Override
  public Future<StreamPosition> append(
      String channel,
      ChannelOptions options,
      Buffer event,
      boolean binary,
      ChannelAdmission admission) {
    return store.append(channel, options, event, binary, admission);
  }

  @Override
  public Future<StreamPosition> position(String channel) {
    return store.position(channel);
  }

  @Override
  public Future<HistoryPage> read(String channel, long afterOffset, int limit) {
    return Future.failedFuture(
        new HubException(ErrorCode.UNAVAILABLE, "the history store did not answer"));
  }

  @Override
  public Future<HistoryPage> newest(String channel, int limit) {
    return store.newest(channel, limit);
  }

  @Override
  public Future<List<String>> idleChannels() {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Void> free(String channel) {
    return Future.succeededFuture();
  }

  @Override
  public int channelCount() {
    return store.channelCount();
  }
}
