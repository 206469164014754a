package dev.hub.cluster;

import dev.hub.history.HistoryQuorum;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether this node sees the cluster's majority (docs/protocol.md section 10) and acts
 * when it stops doing so: the node's clients are told to reconnect, to a node that can serve them.
 * Hazelcast re-evaluates the majority once per heartbeat; a check a second is as fast as it can
 * change and costs nothing.
 */
public final class QuorumWatch {
  private static final Logger log = LoggerFactory.getLogger(QuorumWatch.class);
  private static final long CHECK_MS = 1_000;

  private final Vertx vertx;
  private final HistoryQuorum quorum;
  private final Runnable onLoss;
  private boolean present;
  private long timer = -1;

  public QuorumWatch(Vertx vertx, HistoryQuorum quorum, Runnable onLoss) {
    this.vertx = vertx;
    this.quorum = quorum;
    this.onLoss = onLoss;
  }

  public void start() {
    present = quorum.present();
    timer = vertx.setPeriodic(CHECK_MS, id -> check());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void check() {
    boolean now = quorum.present();
    if (now == present) {
      return;
    }
    present = now;
    if (now) {
      log.info("this node sees a majority of the cluster again: history is served");
      return;
    }
    log.warn(
        "this node no longer sees a majority of the cluster: history is refused here (unavailable)"
            + " and clients are told to reconnect elsewhere");
    onLoss.run();
  }
}
