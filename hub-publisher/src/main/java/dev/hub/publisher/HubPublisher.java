package dev.hub.publisher;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Publishes events through a hub cluster from any JVM service on the same clustered event bus.
 *
 * <p>The contract is only an address and JSON (docs/protocol.md section 8): this class sends
 * {@code {"channel"|"user", "event"}} to {@value #ADDRESS}, where exactly one hub node takes it
 * and delivers the event once to every connection of its audience. It needs nothing from the hub
 * but vertx-core.
 *
 * <pre>{@code
 * HubPublisher hub = new HubPublisher(vertx.eventBus());
 * hub.toChannel("tasks", new JsonObject().put("type", "task_created").put("taskId", 124));
 * }</pre>
 *
 * <p>The service joins the hub's cluster as a Hazelcast lite member
 * ({@code hazelcastConfig.setLiteMember(true)}, or {@code <lite-member enabled="true"/>}): it must
 * hold none of the hub's data, which only hub nodes can update (hub nodes log an error and count
 * {@code hub_cluster_foreign_data_members} while a member that holds data is not one of them).
 *
 * <p>A refused request fails with a {@link io.vertx.core.eventbus.ReplyException} whose
 * {@code failureCode()} is the HTTP status of the same error and whose message starts with the
 * hub's error code ({@code invalid_frame: ...}); {@code NO_HANDLERS} means no hub node is up.
 */
public final class HubPublisher {
  /** The event-bus address hub nodes serve. */
  public static final String ADDRESS = "hub.publish";

  private final EventBus eventBus;
  private final DeliveryOptions options;

  public HubPublisher(EventBus eventBus) {
    this(eventBus, new DeliveryOptions().setSendTimeout(10_000));
  }

  /** @param options delivery options for every request, such as its timeout */
  public HubPublisher(EventBus eventBus, DeliveryOptions options) {
    this.eventBus = Objects.requireNonNull(eventBus);
    this.options = new DeliveryOptions(options);
  }

  /** An event for a channel's subscribers. The receipt has offset and epoch when the channel keeps history. */
  public Future<Receipt> toChannel(String channel, JsonObject event) {
    return send(new JsonObject().put("channel", channel).put("event", event));
  }

  /** An event for every connection of one user, on any node. */
  public Future<Receipt> toUser(String user, JsonObject event) {
    return send(new JsonObject().put("user", user).put("event", event));
  }

  /** An event for every connection in the cluster. */
  public Future<Receipt> toAll(JsonObject event) {
    return send(new JsonObject().put("event", event));
  }

  private Future<Receipt> send(JsonObject request) {
    return eventBus
        .<JsonObject>request(ADDRESS, request, options)
        .map(reply -> Receipt.fromJson(reply.body()));
  }

  /**
   * What the hub answered.
   *
   * @param offset the event's offset in a channel with history, else null
   * @param epoch the history's epoch, else null
   */
  public record Receipt(Long offset, String epoch) {
    static Receipt fromJson(JsonObject json) {
      return json == null
          ? new Receipt(null, null)
          : new Receipt(json.getLong("offset"), json.getString("epoch"));
    }
  }
}
