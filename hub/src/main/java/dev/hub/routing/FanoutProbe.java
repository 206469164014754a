package dev.hub.routing;

import dev.hub.metrics.HubMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that the other nodes' events reach this node. A member learns of a new node's
 * {@link Addresses#FANOUT} consumers asynchronously (Vert.x keeps each address's registrations in
 * a cache that Hazelcast's entry events refresh), and until it has, what it publishes misses the new
 * node's clients. So a node is ready only once every other node has published a probe on
 * {@code hub.fanout} and this node received it: a round trip through the very path events take.
 *
 * <p>Each node answers on {@link Addresses#PROBE_PREFIX} + its bus member id: asked with a token, it
 * publishes an empty message on {@code hub.fanout} carrying the token in
 * {@link Addresses#PROBE_HEADER}. Every node's fan-out consumer hands such a message here instead of
 * delivering it (no client sees it, no metric counts it); the asking node marks its token arrived.
 *
 * <p>Once ready, the node goes on probing every {@link #WATCH_MS}: Vert.x keeps, per member, a copy of
 * an address's registrations, refreshed only when they change, and a refresh that read the
 * cluster's map at the wrong moment (while a node joined) leaves a member publishing to fewer nodes
 * than there are, silently and for good. When a member's probe does not arrive, this node
 * re-announces its fan-out registration ({@link #reannounce}): a consumer added to and removed from
 * {@code hub.fanout}, a change that makes every member read the address's registrations again.
 * The rounds before ready do the same every {@link #REANNOUNCE_ROUNDS} rounds.
 *
 * <p>A member with no probe address is skipped: a JVM service (a lite member, which publishes
 * through {@code hub.publish}), or a node that has not yet started. A node answers probes before it
 * publishes anything, and a member's first publish on an address reads its registrations from the
 * cluster's map, where this node's already are.
 */
public final class FanoutProbe {
  private static final Logger log = LoggerFactory.getLogger(FanoutProbe.class);
  /** How long one member may take to relay a probe before it is asked again. */
  static final long ATTEMPT_MS = 1_000;
  /** The pause between rounds, so a member that is slow to hear is not asked in a tight loop. */
  static final long RETRY_DELAY_MS = 200;
  /** How often a ready node checks again that the other nodes' events reach it. */
  static final long WATCH_MS = 5_000;
  /** Rounds before ready after which a member still silent has this node re-announce its consumers. */
  static final int REANNOUNCE_ROUNDS = 5;

  private final Vertx vertx;
  private final String busMemberId;
  private final Supplier<List<String>> busMemberIds;
  private final HubMetrics metrics;
  private final Map<String, Promise<Void>> pending = new ConcurrentHashMap<>();
  private volatile MessageConsumer<String> answering;
  private volatile boolean stopped;
  private volatile long watchTimer = -1;

  /**
   * @param busMemberId this node's id on the event bus ({@code NodeIdentity.busMemberId})
   * @param busMemberIds every member's id on the event bus, this node's included, read at each round
   * @param metrics where re-announcements are counted ({@code hub_fanout_reannounced_total})
   */
  public FanoutProbe(
      Vertx vertx, String busMemberId, Supplier<List<String>> busMemberIds, HubMetrics metrics) {
    this.vertx = vertx;
    this.busMemberId = busMemberId;
    this.busMemberIds = busMemberIds;
    this.metrics = metrics;
  }

  /** Starts relaying the other nodes' probes; call before this node publishes anything. */
  public Future<Void> answer() {
    MessageConsumer<String> consumer =
        vertx.eventBus().consumer(Addresses.PROBE_PREFIX + busMemberId, this::relay);
    answering = consumer;
    return consumer.completion();
  }

  private void relay(Message<String> request) {
    if (request.body() == null) {
      request.fail(400, "a probe needs a token");
      return;
    }
    vertx
        .eventBus()
        .publish(
            Addresses.FANOUT,
            Buffer.buffer(),
            new DeliveryOptions().addHeader(Addresses.PROBE_HEADER, request.body()));
    request.reply(null);
  }

  /** A probe reached one of this node's fan-out consumers; any event loop. */
  void arrived(String token) {
    Promise<Void> waiting = pending.remove(token);
    if (waiting != null) {
      waiting.tryComplete();
    }
  }

  /**
   * Asks every other member, round after round, until each has relayed a probe to this node or is
   * skipped; each round is bounded by {@link #ATTEMPT_MS} and logs whom it still waits for.
   *
   * @return completes once every other node's events reach this node; fails only if {@link #stop}ped first
   */
  public Future<Void> seenByOthers() {
    Promise<Void> seen = Promise.promise();
    round(seen, ConcurrentHashMap.newKeySet(), 1);
    return seen.future();
  }

  private void round(Promise<Void> seen, Set<String> done, int round) {
    if (stopped) {
      seen.tryFail("the node stopped before the other members were heard from");
      return;
    }
    List<String> asked = others().stream().filter(id -> !done.contains(id)).toList();
    silentAmong(asked).onComplete(answer -> {
      Map<String, String> silent = answer.result();
      asked.stream().filter(id -> !silent.containsKey(id)).forEach(done::add);
      if (silent.isEmpty()) {
        seen.tryComplete();
        return;
      }
      List<String> waiting = List.copyOf(silent.keySet());
      log.info(
          "not ready yet: waiting for cluster members {} to deliver their events to this node (probe round {})",
          waiting,
          round);
      Future<Void> next = round % REANNOUNCE_ROUNDS == 0 ? reannounce() : Future.succeededFuture();
      next.onComplete(v -> vertx.setTimer(RETRY_DELAY_MS, id -> round(seen, done, round + 1)));
    });
  }

  /**
   * From now on, every {@link #WATCH_MS}, asks every other member once, and re-announces this
   * node's fan-out registration when a member's probe does not arrive; until {@link #stop}.
   */
  public void watch() {
    if (stopped) {
      return;
    }
    watchTimer = vertx.setTimer(WATCH_MS, id -> check().onComplete(done -> watch()));
  }

  private Future<Void> check() {
    return silentAmong(others()).compose(silent -> {
      if (silent.isEmpty() || stopped) {
        return Future.succeededFuture();
      }
      log.warn(
          "the events of cluster members {} do not reach this node: re-announcing its fan-out "
              + "consumers so that every member reads them again",
          silent);
      return reannounce();
    });
  }

  /** Every member's id on the event bus but this node's. */
  private List<String> others() {
    return busMemberIds.get().stream().filter(id -> !id.equals(busMemberId)).toList();
  }

  /**
   * Asks each of {@code asked} once; completes (never fails) with those whose probe did not
   * arrive, each with the reason.
   */
  private Future<Map<String, String>> silentAmong(List<String> asked) {
    List<Future<Void>> relayed = asked.stream().map(this::probe).toList();
    return Future.join(relayed).otherwiseEmpty().map(all -> {
      Map<String, String> silent = new LinkedHashMap<>();
      for (int i = 0; i < asked.size(); i++) {
        if (relayed.get(i).failed()) {
          silent.put(asked.get(i), String.valueOf(relayed.get(i).cause().getMessage()));
        }
      }
      return silent;
    });
  }

  /**
   * Adds a consumer to {@code hub.fanout} and removes it at once: a change to the address's
   * registrations, which makes every member replace its copy of them with what the cluster holds.
   * The consumer drops what it receives meanwhile; this node's own consumers deliver it.
   */
  private Future<Void> reannounce() {
    metrics.fanoutReannounced();
    MessageConsumer<Object> change = vertx.eventBus().consumer(Addresses.FANOUT, dropped -> {});
    return change.completion().eventually(change::unregister).otherwiseEmpty();
  }

  /** Succeeds once the member's probe arrived here, or at once when it answers no probes. */
  private Future<Void> probe(String other) {
    String token = busMemberId + "/" + UUID.randomUUID();
    Promise<Void> arrival = Promise.promise();
    pending.put(token, arrival);
    long timer = vertx.setTimer(
        ATTEMPT_MS, id -> arrival.tryFail("no probe arrived within " + ATTEMPT_MS + " ms"));
    vertx
        .eventBus()
        .request(
            Addresses.PROBE_PREFIX + other, token, new DeliveryOptions().setSendTimeout(ATTEMPT_MS))
        .onFailure(failure -> {
          if (failure instanceof ReplyException reply
              && reply.failureType() == ReplyFailure.NO_HANDLERS) {
            log.debug(
                "cluster member {} relays no probes (a JVM service, or a node not yet started): skipped",
                other);
            arrival.tryComplete();
          } else {
            arrival.tryFail(failure);
          }
        });
    return arrival.future().andThen(result -> {
      pending.remove(token);
      vertx.cancelTimer(timer);
    });
  }

  /** Ends the rounds under way and stops relaying probes. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(watchTimer);
    MessageConsumer<String> consumer = answering;
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
