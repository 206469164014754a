package dev.hub.node;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Answers other nodes' questions about this one: its figures for {@code /api/stats}, and which
 * channels have subscribers here (before idle history is freed). One consumer each per node.
 */
final class StatsServiceVerticle extends VerticleBase {
  private final NodeServices node;

  StatsServiceVerticle(NodeServices node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    return node.stats().register()
        .compose(v -> node.census().register(vertx.eventBus(), node.stats().member()));
  }
}
