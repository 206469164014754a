package dev.hub.history;

import dev.hub.config.ChannelOptions;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Where the events of channels with history are kept, numbered by {@code offset} (the first is
 * 1, each next one 1 more) within an {@code epoch} that changes when the history is lost or may
 * have forked. A {@code (channel, epoch, offset)} once given names one event for good.
 *
 * <p>Reading never creates anything: a channel that has stored nothing has no epoch, and reads of
 * it answer offset 0 and a null epoch. Failures are {@link dev.hub.protocol.HubException}s
 * ({@code unavailable} when the store cannot answer or number events here now, {@code
 * too_many_channels} when a new channel is refused). Implementations complete their futures on the
 * caller's Vert.x context.
 */
public interface HistoryStore {
  /** The most events one read returns. */
  int PAGE = 1000;

  /**
   * Stores an event and gives it the next offset.
   *
   * @param event its bytes without offset and epoch
   * @param binary whether the bytes are a binary event frame
   * @param admission asked first when the append would create the channel
   */
  Future<StreamPosition> append(
      String channel,
      ChannelOptions options,
      Buffer event,
      boolean binary,
      ChannelAdmission admission);

  /** The offset of the newest event and the epoch; {@code (0, null)} when the channel has none. */
  Future<StreamPosition> position(String channel);

  /** Up to {@code limit} (at most {@link #PAGE}) events after {@code afterOffset}, oldest first. */
  Future<HistoryPage> read(String channel, long afterOffset, int limit);

  /** The newest {@code limit} (at most {@link #PAGE}) events, oldest first. */
  Future<HistoryPage> newest(String channel, int limit);

  /** Channels with history this node is responsible for freeing that had no event for their retention. */
  Future<List<String>> idleChannels();

  /**
   * Forgets an idle channel's history and epoch, so it costs nothing until it is used again (under
   * a new epoch). Does nothing if an event arrived meanwhile.
   */
  Future<Void> free(String channel);

  /** Channels with history the cluster holds now, as far as this node knows. */
  int channelCount();
}
