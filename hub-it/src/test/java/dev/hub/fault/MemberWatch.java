package dev.hub.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The member count each node reports ({@code GET /api/stats}), asked every half second on a
 * thread per node (a node asked during a split may take seconds to answer), kept as changes: what
 * a test records of how Hazelcast resolved a fault, without asserting it.
 */
final class MemberWatch implements AutoCloseable {
  private final ScheduledExecutorService threads;
  private final List<List<long[]>> changes = new ArrayList<>();

  MemberWatch(Endpoints endpoints) {
    threads = Executors.newScheduledThreadPool(endpoints.size());
    for (int node = 0; node < endpoints.size(); node++) {
      List<long[]> seen = new ArrayList<>();
      changes.add(seen);
      int index = node;
      threads.scheduleWithFixedDelay(
          () -> {
            long at = System.nanoTime();
            long members = Http.members(endpoints.get(index));
            synchronized (seen) {
              if (seen.isEmpty() || seen.get(seen.size() - 1)[1] != members) {
                seen.add(new long[] {at, members});
              }
            }
          },
          0,
          500,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Per node, each change as {@code ms-from-the-moment:count}, timed when the asking began; -1 is
   * a node that did not answer.
   */
  String describe(long moment) {
    List<String> nodes = new ArrayList<>();
    for (int node = 0; node < changes.size(); node++) {
      List<long[]> seen = changes.get(node);
      synchronized (seen) {
        nodes.add("node " + (node + 1) + " "
            + seen.stream()
                .map(c -> TimeUnit.NANOSECONDS.toMillis(c[0] - moment) + ":" + c[1])
                .collect(Collectors.joining(" ")));
      }
    }
    return String.join(", ", nodes);
  }

  @Override
  public void close() throws InterruptedException {
    threads.shutdownNow();
    threads.awaitTermination(15, TimeUnit.SECONDS);
  }
}
