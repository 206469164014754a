package dev.hub.routing;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which channels have a subscriber, on this node and anywhere in the cluster: what freeing idle
 * history asks before it frees a channel. Each event loop's {@link LocalRegistry} reports the
 * channels it starts and stops holding; each node answers for itself on
 * {@link Addresses#CHANNELS_PREFIX} + its bus member id. Thread-safe.
 */
public final class SubscriberCensus {
  /** How long the slowest member may take to answer. */
  static final long TIMEOUT_MS = 5_000;

  private final Map<String, Integer> loopsWithSubscribers = new ConcurrentHashMap<>();

  /** An event loop has its first subscriber of the channel. */
  void held(String channel) {
    loopsWithSubscribers.merge(channel, 1, Integer::sum);
  }

  /** An event loop lost its last subscriber of the channel. */
  void released(String channel) {
    loopsWithSubscribers.computeIfPresent(channel, (name, loops) -> loops <= 1 ? null : loops - 1);
  }

  /** Whether some connection of this node is subscribed to the channel. */
  public boolean hasSubscribers(String channel) {
    return loopsWithSubscribers.containsKey(channel);
  }

  /**
   * Answers other nodes' questions on this node's address; one consumer per node.
   *
   * @param busMemberId this node's id on the event bus ({@code NodeIdentity.busMemberId})
   */
  public Future<MessageConsumer<JsonArray>> register(EventBus eventBus, String busMemberId) {
    MessageConsumer<JsonArray> consumer = eventBus.consumer(
        Addresses.CHANNELS_PREFIX + busMemberId,
        message -> message.reply(subscribedHere(message.body())));
    return consumer.completion().map(consumer);
  }

  /**
   * The channels of the list that have a subscriber on some member. A member that does not answer
   * (a JVM service, a node starting or unreachable) counts as having them all.
   *
   * @param busMemberId this node's id on the event bus, which it answers for itself
   * @param busMemberIds every member's id on the event bus, this node's included
   */
  public Future<Set<String>> subscribedAnywhere(
      EventBus eventBus,
      String busMemberId,
      Supplier<List<String>> busMemberIds,
      List<String> channels) {
    JsonArray asked = new JsonArray(new ArrayList<>(channels));
    List<Future<JsonArray>> answers = new ArrayList<>();
    for (String id : busMemberIds.get()) {
      answers.add(
          id.equals(busMemberId)
              ? Future.succeededFuture(subscribedHere(asked))
              : eventBus
                  .<JsonArray>request(
                      Addresses.CHANNELS_PREFIX + id,
                      asked,
                      new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
                  .map(reply -> reply.body())
                  .otherwise(asked));
    }
    return Future.join(answers).otherwiseEmpty().map(done -> {
      Set<String> subscribed = new HashSet<>();
      answers.forEach(
          answer -> answer.result().forEach(channel -> subscribed.add((String) channel)));
      return subscribed;
    });
  }

  private JsonArray subscribedHere(JsonArray channels) {
    JsonArray subscribed = new JsonArray();
    for (Object channel : channels) {
      if (channel instanceof String name && hasSubscribers(name)) {
        subscribed.add(name);
      }
    }
    return subscribed;
  }
}
