package dev.hub;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Answers other nodes' {@code /api/stats} requests with this node's figures: one consumer per node. */
final class StatsServiceVerticle extends VerticleBase {
  private final NodeServices node;

  StatsServiceVerticle(NodeServices node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    return node.stats().register();
  }
}
