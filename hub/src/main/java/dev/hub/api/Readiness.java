package dev.hub.api;

import dev.hub.transport.ConnectionGate;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.function.BooleanSupplier;

/**
 * Whether a load balancer may send this node new clients: it has started (joined the cluster and
 * registered its fan-out consumers), every other node's events are known to reach it (the other
 * members have heard of those consumers, so a subscription made here is reached by events published
 * anywhere), it is still a member of the cluster, and it is not draining. Shared by the node's
 * event loops.
 */
public final class Readiness {
  private final BooleanSupplier clusterJoined;
  private final ConnectionGate gate;
  private final BooleanSupplier quorum;
  private volatile boolean started;
  private volatile boolean fanout;

  /**
   * @param clusterJoined true while this node is a member of its cluster (always true when not clustered)
   */
  public Readiness(BooleanSupplier clusterJoined, ConnectionGate gate) {
    this(clusterJoined, gate, () -> true);
  }

  /**
   * @param quorum true while this node sees a majority of the cluster it is meant to have
   *     (docs/protocol.md section 10): without it the node serves no history and hears only the
   *     nodes on its side of a split
   */
  public Readiness(BooleanSupplier clusterJoined, ConnectionGate gate, BooleanSupplier quorum) {
    this.clusterJoined = clusterJoined;
    this.gate = gate;
    this.quorum = quorum;
  }

  /** Called once the whole node has started; until then {@code /ready} answers 503. */
  public void started() {
    started = true;
  }

  /**
   * Called once every other node has delivered a probe through the fan-out address to this node;
   * until then {@code /ready} answers 503, with the check {@code fanout} down.
   */
  public void fanoutConfirmed() {
    fanout = true;
  }

  public boolean isReady() {
    return started
        && fanout
        && clusterJoined.getAsBoolean()
        && quorum.getAsBoolean()
        && !gate.isDraining();
  }

  /** The procedure behind {@code GET /ready}: one named check per condition, so a 503 says which failed. */
  public HealthChecks checks(Vertx vertx) {
    return HealthChecks.create(vertx)
        .register("started", promise -> promise.complete(status(started)))
        .register("fanout", promise -> promise.complete(status(fanout)))
        .register("cluster", promise -> promise.complete(status(clusterJoined.getAsBoolean())))
        .register("quorum", promise -> promise.complete(status(quorum.getAsBoolean())))
        .register("accepting", promise -> promise.complete(status(!gate.isDraining())));
  }

  private static Status status(boolean ok) {
    return ok ? Status.OK() : Status.KO();
  }
}
