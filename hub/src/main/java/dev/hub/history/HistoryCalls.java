package dev.hub.history;

import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one boundary between history and Hazelcast: a call is refused at once on a node that does not
 * see the cluster's majority, is bounded in time, completes on the caller's Vert.x context, and fails
 * only with a {@link HubException} ({@code unavailable} for anything Hazelcast throws or a timeout).
 */
final class HistoryCalls {
  private final Vertx vertx;
  private final HistoryQuorum quorum;
  private final Duration timeout;

  HistoryCalls(Vertx vertx, HistoryQuorum quorum, Duration timeout) {
    this.vertx = vertx;
    this.quorum = quorum;
    this.timeout = timeout;
  }

  /** Runs a call about {@code channel} within the rules above. */
  <T> Future<T> guarded(String channel, Supplier<Future<T>> call) {
    if (!quorum.present()) {
      return Future.failedFuture(
          unavailable(channel, "this node does not see a majority of the cluster"));
    }
    Future<T> result;
    try {
      result = call.get();
    } catch (HubException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      return Future.failedFuture(unavailable(channel, describe(e)));
    }
    return result
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(
            e instanceof HubException hub ? hub : unavailable(channel, describe(e))));
  }

  /** A Hazelcast completion as a Vert.x future completed on the caller's context. */
  <T> Future<T> local(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  Duration timeout() {
    return timeout;
  }

  static HubException unavailable(String channel, String why) {
    return new HubException(
        ErrorCode.UNAVAILABLE, "history of " + channel + " is unavailable here: " + why);
  }

  private String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    if (cause instanceof SplitBrainProtectionException) {
      return "this node does not see a majority of the cluster";
    }
    if (cause instanceof TimeoutException) {
      return "the cluster did not answer within " + timeout.toMillis() + " ms";
    }
    return String.valueOf(cause.getMessage());
  }
}
