package dev.hub.transport;

import dev.hub.auth.Identity;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The two deadlines of one connection's authentication: the auth timeout of a connection that
 * came without a token, and the expiry of its token, re-armed by every fresh {@code auth} frame.
 * Timers run on the connection's event loop; not thread-safe.
 */
final class AuthDeadlines {
  private static final long NONE = -1;

  private final Vertx vertx;
  private final Clock clock;
  private long authTimer = NONE;
  private long expiryTimer = NONE;

  AuthDeadlines(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /** Runs {@code onTimeout} unless {@link #identified} is called within {@code timeoutMs}. */
  void awaitAuth(long timeoutMs, Runnable onTimeout) {
    authTimer = vertx.setTimer(timeoutMs, id -> {
      authTimer = NONE;
      onTimeout.run();
    });
  }

  /**
   * The connection has this identity now: the auth timeout is over, and {@code onExpiry} runs
   * when its token expires, unless another identity comes first.
   */
  void identified(Identity identity, Runnable onExpiry) {
    authTimer = cancel(authTimer);
    expiryTimer = cancel(expiryTimer);
    if (identity.expiresAt() == null) {
      return;
    }
    long delayMs = Math.max(1, identity.expiresAt().toEpochMilli() - clock.millis());
    expiryTimer = vertx.setTimer(delayMs, id -> {
      expiryTimer = NONE;
      onExpiry.run();
    });
  }

  /** The connection is gone: nothing more fires. */
  void cancelAll() {
    authTimer = cancel(authTimer);
    expiryTimer = cancel(expiryTimer);
  }

  private long cancel(long timer) {
    if (timer != NONE) {
      vertx.cancelTimer(timer);
    }
    return NONE;
  }
}
