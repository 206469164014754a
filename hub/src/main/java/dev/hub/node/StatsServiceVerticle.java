package dev.hub.node;

import dev.hub.api.ClusterStats;
import dev.hub.routing.SubscriberCensus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Answers other nodes' questions about this one, on addresses of its bus member id: its figures
 * for {@code /api/stats}, and which channels have subscribers here (before idle history is freed).
 * One consumer each per node.
 */
final class StatsServiceVerticle extends VerticleBase {
  private final ClusterStats stats;
  private final SubscriberCensus census;
  private final String busMemberId;

  StatsServiceVerticle(ClusterStats stats, SubscriberCensus census, String busMemberId) {
    this.stats = stats;
    this.census = census;
    this.busMemberId = busMemberId;
  }

  @Override
  public Future<?> start() {
    return stats.register().compose(v -> census.register(vertx.eventBus(), busMemberId));
  }
}
