package dev.hub.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The channels a {@link HubClient} is subscribed to, kept across connections: (re)subscribing with
 * {@code since}, attributing events to their channel, and acting on what the hub says about a live
 * subscription (docs/protocol.md section 4): a new epoch is adopted and reported as a reset, an
 * {@code overflow} is resumed at once, a {@code forbidden} channel ends, and a subscribe refused as
 * {@code unavailable} is retried with the reconnect backoff. On the client's context only.
 */
final class Channels {
  private final Vertx vertx;
  private final HubClientOptions options;
  private final Function<JsonObject, Future<JsonObject>> requests;
  private final BooleanSupplier connected;
  private final Map<String, ChannelState> channels = new LinkedHashMap<>();

  /**
   * @param requests sends a frame with a fresh id and completes with its reply
   * @param connected whether the client is connected now
   */
  Channels(
      Vertx vertx,
      HubClientOptions options,
      Function<JsonObject, Future<JsonObject>> requests,
      BooleanSupplier connected) {
    this.vertx = vertx;
    this.options = options;
    this.requests = requests;
    this.connected = connected;
  }

  /** Adds a subscription; the channel is subscribed to when it is the first one. */
  void add(String channel, Subscription subscription, Promise<JsonObject> ready) {
    ChannelState entry = channels.get(channel);
    boolean first = entry == null;
    if (first) {
      entry = new ChannelState();
      channels.put(channel, entry);
    }
    entry.subscriptions.add(subscription);
    entry.ready.future().onComplete(ready);
    if (first && connected.getAsBoolean()) {
      subscribe(channel);
    }
  }

  /** Removes a subscription; the channel is left when it was the last one. */
  void remove(String channel, Subscription subscription) {
    ChannelState entry = channels.get(channel);
    if (entry == null
        || !entry.subscriptions.remove(subscription)
        || !entry.subscriptions.isEmpty()) {
      return;
    }
    channels.remove(channel);
    cancelRetry(entry);
    if (connected.getAsBoolean()) {
      requests.apply(new JsonObject().put("type", "unsubscribe").put("channel", channel));
    }
  }

  /** A new connection: every channel again, history channels from the position held. */
  void resubscribeAll() {
    List.copyOf(channels.keySet()).forEach(this::subscribe);
  }

  void cancelRetries() {
    channels.values().forEach(this::cancelRetry);
  }

  /**
   * Hands an event to the subscriptions of its channel, if the client is subscribed to it.
   *
   * @return false for a duplicate of an event already delivered, which is dropped
   */
  boolean deliver(JsonObject event) {
    ChannelState channel =
        event.getValue("channel") instanceof String name ? channels.get(name) : null;
    if (channel == null) {
      return true;
    }
    if (!channel.advance(event)) {
      return false;
    }
    List.copyOf(channel.subscriptions).forEach(subscription -> subscription.event(event));
    return true;
  }

  /** The server's own {@code subscribed}: the epoch changed under a live subscription. */
  void serverSubscribed(JsonObject frame) {
    ChannelState channel =
        frame.getValue("channel") instanceof String name ? channels.get(name) : null;
    if (channel != null
        && channel.adopt(frame)
        && Boolean.FALSE.equals(frame.getValue("recovered"))) {
      List.copyOf(channel.subscriptions).forEach(subscription -> subscription.reset(frame));
    }
  }

  /** The server ended a subscription: resume at once after an overflow, otherwise it is over. */
  void serverUnsubscribed(JsonObject frame) {
    String name = frame.getValue("channel") instanceof String text ? text : null;
    ChannelState channel = name == null ? null : channels.get(name);
    if (channel == null) {
      return;
    }
    if ("overflow".equals(frame.getValue("reason"))) {
      // Subscribing again with `since` = what we hold recovers what fell behind, with no gap.
      if (connected.getAsBoolean()) {
        subscribe(name);
      }
      return;
    }
    channels.remove(name);
    cancelRetry(channel);
    channel.ready.tryFail(new HubClientException(
        frame.getString("reason", "unsubscribed"), "the hub ended the subscription to " + name));
    List.copyOf(channel.subscriptions).forEach(subscription -> subscription.end(frame));
  }

  private void subscribe(String channel) {
    ChannelState entry = channels.get(channel);
    if (entry == null) {
      return;
    }
    cancelRetry(entry);
    JsonObject frame = new JsonObject().put("type", "subscribe").put("channel", channel);
    JsonObject since = entry.since();
    if (since != null) {
      frame.put("since", since);
    }
    requests.apply(frame).onComplete(result -> {
      if (channels.get(channel) != entry) {
        return;
      }
      if (result.succeeded()) {
        subscribed(entry, since, result.result());
      } else if (result.cause() instanceof HubClientException e && "unavailable".equals(e.code())) {
        // This node cannot serve the channel now (no majority, store not answering): try again.
        retry(channel, entry);
      } else if (result.cause() instanceof HubClientException e
          && !Set.of("disconnected", "closed", "timeout").contains(e.code())) {
        // Refused by the hub (forbidden, bad_channel, ...): give up. Otherwise resent on reconnect.
        channels.remove(channel);
        entry.ready.tryFail(e);
      }
    });
  }

  private static void subscribed(ChannelState entry, JsonObject since, JsonObject reply) {
    entry.retries = 0;
    entry.replied(reply);
    entry.ready.tryComplete(reply);
    if (since != null && Boolean.FALSE.equals(reply.getValue("recovered"))) {
      List.copyOf(entry.subscriptions).forEach(subscription -> subscription.reset(reply));
    }
  }

  /** Subscribes again after the reconnect backoff's delay; a reconnect in between resubscribes anyway. */
  private void retry(String channel, ChannelState entry) {
    long delay = options.backoff().delay(entry.retries++, options.random());
    entry.retryTimer = vertx.setTimer(Math.max(1, delay), id -> {
      entry.retryTimer = -1;
      if (channels.get(channel) == entry && connected.getAsBoolean()) {
        subscribe(channel);
      }
    });
  }

  private void cancelRetry(ChannelState entry) {
    if (entry.retryTimer >= 0) {
      vertx.cancelTimer(entry.retryTimer);
      entry.retryTimer = -1;
    }
  }
}
