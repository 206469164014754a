package dev.hub.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Phase A, the cost the per-channel design pays: a clustered consumer registered and unregistered
 * on one node for distinct addresses, one cycle at a time. Each register and each unregister is a
 * write to Hazelcast's {@code __vertx.subs} multimap (partition owner plus one backup) and fires
 * its entry listeners on every member.
 */
final class ChurnPhase {
  /** Latencies in microseconds, up to a minute, three significant digits. */
  private final Histogram register = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);

  private final Histogram unregister = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
  private final EventBus eventBus;
  private final String addressPrefix;
  private final int cycles;
  private final Deadline deadline;
  private final Promise<Integer> done = Promise.promise();

  record Result(
      int cycles,
      boolean gaveUp,
      double cyclesPerSecond,
      Histogram register,
      Histogram unregister,
      double cpuMicrosPerCycle) {}

  private ChurnPhase(Context context, String addressPrefix, int cycles, Deadline deadline) {
    this.eventBus = context.owner().eventBus();
    this.addressPrefix = addressPrefix;
    this.cycles = cycles;
    this.deadline = deadline;
  }

  /**
   * Runs {@code cycles} register/unregister cycles on the node that owns {@code context}, one after
   * the other, on that node's event loop.
   */
  static Result run(Context context, String addressPrefix, int cycles, Deadline deadline)
      throws Exception {
    ChurnPhase phase = new ChurnPhase(context, addressPrefix, cycles, deadline);
    long cpuStart = Cpu.processNanos();
    long wallStart = System.nanoTime();
    context.runOnContext(v -> phase.cycle(0));
    // The chain stops itself at the deadline; the extra time only covers its last cycle.
    int completed =
        phase.done.future().await(deadline.remainingMillis() + 30_000, TimeUnit.MILLISECONDS);
    long wall = System.nanoTime() - wallStart;
    long cpu = Cpu.processNanos() - cpuStart;
    return new Result(
        completed,
        completed < cycles,
        completed / (wall / 1e9),
        phase.register,
        phase.unregister,
        completed == 0 ? Double.NaN : cpu / 1e3 / completed);
  }

  private void cycle(int index) {
    if (index == cycles || deadline.passed()) {
      done.complete(index);
      return;
    }
    long registering = System.nanoTime();
    MessageConsumer<Object> consumer = eventBus.consumer(addressPrefix + index, message -> {});
    consumer
        .completion()
        .compose(registered -> {
          long unregistering = System.nanoTime();
          register.recordValue(micros(unregistering - registering));
          return consumer
              .unregister()
              .onSuccess(unregistered ->
                  unregister.recordValue(micros(System.nanoTime() - unregistering)));
        })
        .onSuccess(v -> cycle(index + 1))
        .onFailure(done::fail);
  }

  private static long micros(long nanos) {
    return TimeUnit.NANOSECONDS.toMicros(nanos);
  }
}
