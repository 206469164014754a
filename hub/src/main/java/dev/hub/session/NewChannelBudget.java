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
  private static final double NANOS = 1_000_000_000d;

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long refilledAt;

  NewChannelBudget(int perSecond, LongSupplier nanoClock) {
    this.perNano = perSecond / NANOS;
    this.burst = 2.0 * perSecond;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
  }

  @Override
  public void admit(String channel) {
    long now = nanoClock.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
    refilledAt = now;
    if (tokens < 1) {
      throw new HubException(
          ErrorCode.TOO_MANY_CHANNELS,
          "this connection starts new channels with history too fast (" + (int) (burst / 2)
              + " per second)");
    }
    tokens -= 1;
  }
}
