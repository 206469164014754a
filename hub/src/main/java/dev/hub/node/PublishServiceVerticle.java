package dev.hub.node;

import dev.hub.api.BusPublishEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Serves {@code hub.publish} for JVM services: one consumer per node, not per event loop. */
final class PublishServiceVerticle extends VerticleBase {
  private final NodeServices node;

  PublishServiceVerticle(NodeServices node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    return new BusPublishEndpoint(node.publisher()).register(vertx.eventBus());
  }
}
