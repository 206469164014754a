package dev.hub.node;

import dev.hub.api.BusPublishEndpoint;
import dev.hub.routing.Publisher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Serves {@code hub.publish} for JVM services: one consumer per node, not per event loop. */
final class PublishServiceVerticle extends VerticleBase {
  private final Publisher publisher;

  PublishServiceVerticle(Publisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public Future<?> start() {
    return new BusPublishEndpoint(publisher).register(vertx.eventBus());
  }
}
