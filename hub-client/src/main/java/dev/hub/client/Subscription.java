package dev.hub.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * One handler's subscription to a channel, kept across reconnects until {@link #unsubscribe()} or
 * until the hub ends it. Its handlers run on the client's context.
 */
public final class Subscription {
  private final Handler<JsonObject> handler;
  private final Future<JsonObject> ready;
  private final Consumer<Subscription> unsubscribe;
  private volatile Handler<JsonObject> resetHandler;
  private volatile Handler<JsonObject> endHandler;

  Subscription(
      Handler<JsonObject> handler, Future<JsonObject> ready, Consumer<Subscription> unsubscribe) {
    this.handler = handler;
    this.ready = ready;
    this.unsubscribe = unsubscribe;
  }

  /**
   * Completes with the first {@code subscribed} reply; fails if the hub refuses the channel
   * ({@code forbidden}, {@code bad_channel}, ...) or ends the subscription before it. A refusal with
   * {@code unavailable} is retried with the reconnect backoff instead.
   */
  public Future<JsonObject> ready() {
    return ready;
  }

  /**
   * Called with the {@code subscribed} frame ({@code recovered: false}) when what the handler got
   * so far is not continuous with what follows: the channel's history was lost and the server
   * announced a new epoch, or a resume after a reconnect could not recover. Reload what you show.
   */
  public Subscription resetHandler(Handler<JsonObject> handler) {
    this.resetHandler = handler;
    return this;
  }

  /**
   * Called with the {@code unsubscribed} frame when the hub ended the subscription for good
   * (reason {@code forbidden}: a refreshed token no longer allows the channel); no event follows.
   */
  public Subscription endHandler(Handler<JsonObject> handler) {
    this.endHandler = handler;
    return this;
  }

  /** Stops this handler; the channel is left when its last handler stops. */
  public void unsubscribe() {
    unsubscribe.accept(this);
  }

  void event(JsonObject event) {
    handler.handle(event);
  }

  void reset(JsonObject frame) {
    Handler<JsonObject> reset = resetHandler;
    if (reset != null) {
      reset.handle(frame);
    }
  }

  void end(JsonObject frame) {
    Handler<JsonObject> end = endHandler;
    if (end != null) {
      end.handle(frame);
    }
  }
}
