package dev.hub;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs a test's client work on a Vert.x event loop. A chain like
 * {@code request().compose(send).compose(body)} built on the test thread attaches each callback
 * after the future it follows may already have completed; the response can then end before
 * {@code body()} is asked for, and the request hangs (eclipse-vertx/vert.x#6038). On the event
 * loop, each callback is attached in the same turn as the step it waits for starts.
 */
final class OnEventLoop {
  private OnEventLoop() {}

  static <T> Future<T> run(Vertx vertx, Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }
}
