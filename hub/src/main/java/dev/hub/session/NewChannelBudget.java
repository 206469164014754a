package dev.hub.session;

import dev.hub.history.ChannelAdmission;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import java.util.function.LongSupplier;

/**
 * How many channels with history one connection may start: {@code perSecond}, in bursts of up to
 * twice that. A client with a wildcard {@code publish} grant could otherwise make the cluster
 * allocate a ring per name it invents. A token bucket; runs on the connection's event loop.
 */
final class NewChannelBudget implements ChannelAdmission {
  private final int perSecond;
  private final LongSupplier nanoClock;
  private final TokenBucket bucket;

  NewChannelBudget(int perSecond, LongSupplier nanoClock) {
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
    this.bucket = new TokenBucket(perSecond, 2.0 * perSecond, nanoClock.getAsLong());
  }

  @Override
  public void admit(String channel) {
    if (!bucket.tryTake(nanoClock.getAsLong())) {
      throw new HubException(
          ErrorCode.TOO_MANY_CHANNELS,
          "this connection starts new channels with history too fast (" + perSecond
              + " per second)");
    }
  }
}
