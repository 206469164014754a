package dev.hub.history;

import dev.hub.config.ChannelOptions;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A history store that hands every call to a real one: a test's store overrides only the calls it
 * changes (holds, fails or counts) and stays whole when the interface grows.
 */
public abstract class ForwardingHistoryStore implements HistoryStore {
  protected final HistoryStore store;

  protected ForwardingHistoryStore(HistoryStore store) {
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
    return store.read(channel, afterOffset, limit);
  }

  @Override
  public Future<HistoryPage> newest(String channel, int limit) {
    return store.newest(channel, limit);
  }

  @Override
  public Future<List<String>> idleChannels() {
    return store.idleChannels();
  }

  @Override
  public Future<Void> free(String channel) {
    return store.free(channel);
  }

  @Override
  public int channelCount() {
    return store.channelCount();
  }
}
