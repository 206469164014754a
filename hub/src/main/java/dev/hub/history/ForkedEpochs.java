package dev.hub.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels whose history may have forked on this node during a network split: an event stored here
 * while the majority had gone silent was not acknowledged, but a client may have read it before the
 * merge discarded this side's copy. When this node merges back, each such channel gets a new epoch,
 * so a client holding a position in the forked history recovers with {@code recovered: false}
 * rather than with the majority's different events at the same offsets.
 */
final class ForkedEpochs {
  private static final Logger log = LoggerFactory.getLogger(ForkedEpochs.class);

  private final IMap<String, String> epochs;
  private final HistoryCalls calls;
  private final Set<String> forked = ConcurrentHashMap.newKeySet();

  ForkedEpochs(
      HazelcastInstance hazelcast,
      IMap<String, String> epochs,
      HistoryCalls calls,
      Context context) {
    this.epochs = epochs;
    this.calls = calls;
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        context.runOnContext(v -> renew());
      }
    });
  }

  /** An event of the channel was stored and not acknowledged for want of a majority. */
  void add(String key) {
    forked.add(key);
  }

  private void renew() {
    for (String key : List.copyOf(forked)) {
      calls
          .local(epochs.getAsync(key))
          .compose(epoch -> epoch == null
              ? Future.succeededFuture((String) null)
              : calls.local(epochs.submitToKey(key, EpochUpdate.replace(epoch, Epochs.fresh()))))
          .onSuccess(renewed -> {
            forked.remove(key);
            log.info(
                "history of {} may have forked during a network split: new epoch {}",
                HistoryNames.channel(key),
                renewed);
          })
          .onFailure(e -> log.warn(
              "epoch of {} not renewed after the merge, will retry at the next: {}",
              HistoryNames.channel(key),
              e.toString()));
    }
  }
}
