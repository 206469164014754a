package dev.hub.history;

import dev.hub.config.ChannelOptions;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where the events of channels with history are kept, numbered by {@code offset} (the first is
 * 1, each next one 1 more) within an {@code epoch} that changes when the history is lost.
 * Implementations complete their futures on the caller's Vert.x context.
 */
public interface HistoryStore {

  /**
   * Stores an event and gives it the next offset.
   *
   * @param event its bytes without offset and epoch
   * @param binary whether the bytes are a binary event frame
   */
  Future<StreamPosition> append(String channel, ChannelOptions options, Buffer event, boolean binary);

  /** The offset of the newest event (0 when none) and the epoch. */
  Future<StreamPosition> latest(String channel);

  /** Up to {@code limit} events after {@code afterOffset}, oldest first. */
  Future<HistoryPage> read(String channel, long afterOffset, int limit);
}
