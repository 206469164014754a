package dev.hub.load;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One context on each event loop of a Vert.x, to spread sockets over. A socket lives on the loop of
 * the context that connects it; connecting everything from one context would put every socket, and
 * so all the load generator's work, on one thread.
 */
final class EventLoops {
  private EventLoops() {}

  static Future<List<Context>> contexts(Vertx vertx, int count) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    // Each instance of a verticle gets a context of its own, on the loops in turn.
    return vertx
        .deployVerticle(
            () -> new VerticleBase() {
              @Override
              public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
              }
            },
            new DeploymentOptions().setInstances(count))
        .map(id -> List.copyOf(contexts));
  }
}
