package dev.hub.client;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** One handler's subscription to a channel, kept across reconnects until {@link #unsubscribe()}. */
public final class Subscription {
  private final Future<JsonObject> ready;
  private final Runnable unsubscribe;

  Subscription(Future<JsonObject> ready, Runnable unsubscribe) {
    this.ready = ready;
    this.unsubscribe = unsubscribe;
  }

  /** Completes with the first {@code subscribed} reply; fails if the hub refuses the channel. */
  public Future<JsonObject> ready() {
    return ready;
  }

  /** Stops this handler; the channel is left when its last handler stops. */
  public void unsubscribe() {
    unsubscribe.run();
  }
}
