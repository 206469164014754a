package dev.hub.api;

import dev.hub.routing.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/stats}: the cluster seen from every node. Each node answers on an address of
 * its own ({@link Addresses#STATS_PREFIX} + its bus member id, {@code NodeIdentity.busMemberId});
 * the asking node asks every member it knows, at once, and answers when all have replied or the
 * bound has passed, whichever comes first. A member that does not answer in time, or serves no
 * such address (a JVM service in the cluster, or a node still starting), is listed under
 * {@code unanswered} with the reason.
 */
public final class ClusterStats {
  /** How long the slowest member may take; the HTTP answer comes within this plus a little. */
  public static final long TIMEOUT_MS = 2_000;

  private final EventBus eventBus;
  private final String busMemberId;
  private final Supplier<List<String>> busMemberIds;
  private final Supplier<JsonObject> ownFigures;

  /**
   * @param busMemberId this node's id on the event bus
   * @param busMemberIds every member's id on the event bus, this node's included
   * @param ownFigures this node's figures, read when asked
   */
  public ClusterStats(
      EventBus eventBus,
      String busMemberId,
      Supplier<List<String>> busMemberIds,
      Supplier<JsonObject> ownFigures) {
    this.eventBus = eventBus;
    this.busMemberId = busMemberId;
    this.busMemberIds = busMemberIds;
    this.ownFigures = ownFigures;
  }

  /** Starts answering other nodes' requests; one consumer per node. */
  public Future<MessageConsumer<Object>> register() {
    MessageConsumer<Object> consumer = eventBus.consumer(
        Addresses.STATS_PREFIX + busMemberId, message -> message.reply(ownFigures.get()));
    return consumer.completion().map(consumer);
  }

  /** Asks every member and completes, never failing, within {@link #TIMEOUT_MS}. */
  public Future<JsonObject> gather() {
    List<String> ids = busMemberIds.get();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String id : ids) {
      answers.add(id.equals(busMemberId) ? Future.succeededFuture(ownFigures.get()) : ask(id));
    }
    return Future.join(answers).otherwiseEmpty().map(v -> summary(answers));
  }

  private Future<JsonObject> ask(String id) {
    return eventBus
        .request(
            Addresses.STATS_PREFIX + id, null, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(reply -> (JsonObject) reply.body())
        .recover(failure -> Future.succeededFuture(new JsonObject()
            .put("member", id)
            .put("answered", false)
            .put("reason", reason(failure))));
  }

  private static JsonObject summary(List<Future<JsonObject>> answers) {
    JsonArray nodes = new JsonArray();
    JsonArray unanswered = new JsonArray();
    long connections = 0;
    long subscriptions = 0;
    for (Future<JsonObject> answer : answers) {
      JsonObject figures = answer.result();
      if (Boolean.FALSE.equals(figures.getBoolean("answered"))) {
        unanswered.add(figures.copy());
        continue;
      }
      nodes.add(figures);
      connections += figures.getLong("connections", 0L);
      subscriptions += figures.getLong("subscriptions", 0L);
    }
    return new JsonObject()
        .put("members", answers.size())
        .put("nodes", nodes)
        .put("unanswered", unanswered)
        .put("connections", connections)
        .put("subscriptions", subscriptions);
  }

  private static String reason(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return reply.failureType() == ReplyFailure.NO_HANDLERS
          ? "no_handler"
          : reply.failureType() == ReplyFailure.TIMEOUT ? "timeout" : "failed";
    }
    return "failed";
  }
}
