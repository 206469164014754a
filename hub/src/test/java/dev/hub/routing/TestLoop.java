package dev.hub.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;

/**
 * One Vert.x event loop to drive the routing classes on, as a gateway does: a registry and its
 * feeds are used only from their event loop, so every step of a test runs there, and the test
 * thread waits for it (bounded).
 */
final class TestLoop implements AutoCloseable {
  static final long WAIT_S = 10;

  private final Vertx vertx;
  private final Context context;

  TestLoop(Vertx vertx) {
    this(vertx, vertx.getOrCreateContext());
  }

  /** One more event loop of the same Vert.x, as a node has one per gateway. */
  static TestLoop another(Vertx vertx) {
    return new TestLoop(vertx, ((VertxInternal) vertx).createEventLoopContext());
  }

  private TestLoop(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  Vertx vertx() {
    return vertx;
  }

  Context context() {
    return context;
  }

  /** Runs {@code work} on the event loop and returns its result; its exception is rethrown here. */
  <T> T call(Callable<T> work) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        done.complete(work.call());
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    try {
      return done.get(WAIT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the event loop did not run the step within " + WAIT_S + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  void run(Runnable work) {
    call(() -> {
      work.run();
      return null;
    });
  }

  /**
   * Returns once a timer of {@code millis} set now on the event loop has fired, and with it every
   * shorter timer set there before: to check that something a timer would do was not done.
   */
  void awaitTimer(long millis) {
    Future<Long> passed = call(() -> vertx.timer(millis, TimeUnit.MILLISECONDS).map(v -> millis));
    Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).until(passed::isComplete);
  }

  /** Closes the Vert.x, when the loop owns it (one made for the test). */
  @Override
  public void close() {
    try {
      vertx.close().await(WAIT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the test's Vert.x did not close", e);
    }
  }
}
