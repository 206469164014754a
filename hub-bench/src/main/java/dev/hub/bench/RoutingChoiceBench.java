package dev.hub.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the routing choice made in {@code dev.hub.routing.ClusterBus} (one clustered consumer
 * per node, every event sent to every node once, filtered locally) against the per-channel
 * alternative (a clustered consumer per channel per node, registered on the first local
 * subscriber and unregistered on the last).
 *
 * <p>Three clustered Vert.x + Hazelcast nodes run in this one JVM on 127.0.0.1; A is node 0, B
 * node 1, C node 2. Phases:
 * <ul>
 *   <li>A. registration churn on B: what each first-subscribe/last-unsubscribe costs the
 *       per-channel design;
 *   <li>B. propagation window: how long after B's registration completes A's publishes still miss
 *       B, and how many are lost, with A knowing nothing of the address (cold) and with A caching
 *       an older set of consumers for it (warm);
 *   <li>C. fan-out: what each event that reaches a node with no subscriber for it costs the chosen
 *       design.
 * </ul>
 * Run from the repository root: {@code mvn -q -pl hub-bench package exec:exec}. Optional
 * arguments (through {@code -Dbench.args="..."}), shown with their defaults: {@code cycles=2000
 * probes=200 events=200000 limit-seconds=120}. Exits 0 after a complete run, 2 if a phase gave up
 * at its time limit (its partial figures are printed), 1 if the cluster could not run.
 */
public final class RoutingChoiceBench {
  private static final Logger log = LoggerFactory.getLogger(RoutingChoiceBench.class);
  private static final int CHURN_WARMUP_CYCLES = 200;
  private static final int PROPAGATION_WARMUP_PROBES = 10;
  private static final long FANOUT_WARMUP_EVENTS = 20_000;
  /** Right after start-up the JIT and Hazelcast's own start-up work burn about a core for a few seconds. */
  private static final long SETTLE_MILLIS = 5_000;

  record Settings(int cycles, int probes, long events, Duration limit) {
    static Settings parse(String[] args) {
      int cycles = 2000;
      int probes = 200;
      long events = 200_000;
      long limitSeconds = 120;
      for (String arg : args) {
        String[] pair = arg.split("=", 2);
        long value = Long.parseLong(pair.length == 2 ? pair[1] : "");
        switch (pair[0]) {
          case "cycles" -> cycles = Math.toIntExact(value);
          case "probes" -> probes = Math.toIntExact(value);
          case "events" -> events = value;
          case "limit-seconds" -> limitSeconds = value;
          default -> throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      return new Settings(cycles, probes, events, Duration.ofSeconds(limitSeconds));
    }
  }

  private record Results(
      double idleCpuMillisPerSecond,
      ChurnPhase.Result churn,
      PropagationPhase.Result cold,
      PropagationPhase.Result warm,
      FanoutPhase.Result fanout) {
    boolean complete() {
      return !churn.gaveUp() && !cold.gaveUp() && !warm.gaveUp() && !fanout.gaveUp();
    }

    /** Wasted cross-node events that cost as much CPU as one register+unregister cycle. */
    double breakEven() {
      return churn.cpuMicrosPerCycle() / fanout.cpuMicrosPerEventPerRemoteNode();
    }
  }

  private RoutingChoiceBench() {}

  public static void main(String[] args) {
    Locale.setDefault(Locale.ROOT);
    Settings settings = Settings.parse(args);
    int exit;
    BenchCluster cluster = null;
    try {
      System.out.println("starting 3 clustered nodes on 127.0.0.1 ...");
      cluster = BenchCluster.start();
      Results results = measure(cluster, settings);
      printSummary(settings, results);
      System.out.println(json(settings, results).encode());
      exit = results.complete() ? 0 : 2;
    } catch (Exception e) {
      log.error("benchmark failed", e);
      exit = 1;
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    // Hazelcast and Netty leave no non-daemon thread after close, but a failed run might.
    System.exit(exit);
  }

  private static Results measure(BenchCluster cluster, Settings settings) throws Exception {
    Thread.sleep(SETTLE_MILLIS);
    double idle = idleCpuMillisPerSecond();
    ChurnPhase.Result churn = churn(cluster, settings);
    PropagationPhase.Result cold = propagation(cluster, settings, PropagationPhase.Mode.COLD);
    PropagationPhase.Result warm = propagation(cluster, settings, PropagationPhase.Mode.WARM);
    FanoutPhase.Result fanout = fanout(cluster, settings);
    return new Results(idle, churn, cold, warm, fanout);
  }

  /**
   * The process CPU the idle cluster burns (heartbeats, timers): the floor under every phase's CPU
   * figure, which the phases do not subtract.
   */
  private static double idleCpuMillisPerSecond() throws InterruptedException {
    long cpuStart = Cpu.processNanos();
    long wallStart = System.nanoTime();
    Thread.sleep(2_000);
    return (Cpu.processNanos() - cpuStart) / 1e6 / ((System.nanoTime() - wallStart) / 1e9);
  }

  private static ChurnPhase.Result churn(BenchCluster cluster, Settings settings) throws Exception {
    progress(
        "A. registration churn on node B: %d warm-up + %d measured cycles",
        CHURN_WARMUP_CYCLES, settings.cycles());
    Deadline deadline = Deadline.in(settings.limit());
    ChurnPhase.run(cluster.context(1), "bench.churn.warmup.", CHURN_WARMUP_CYCLES, deadline);
    return reportGiveUp(
        "A",
        ChurnPhase.run(cluster.context(1), "bench.churn.", settings.cycles(), deadline),
        ChurnPhase.Result::gaveUp);
  }

  private static PropagationPhase.Result propagation(
      BenchCluster cluster, Settings settings, PropagationPhase.Mode mode) throws Exception {
    progress(
        "B. propagation window (%s): %d warm-up + %d measured probes",
        mode, PROPAGATION_WARMUP_PROBES, settings.probes());
    Deadline deadline = Deadline.in(settings.limit());
    PropagationPhase.run(cluster, mode, PROPAGATION_WARMUP_PROBES, deadline);
    return reportGiveUp(
        "B " + mode,
        PropagationPhase.run(cluster, mode, settings.probes(), deadline),
        PropagationPhase.Result::gaveUp);
  }

  private static FanoutPhase.Result fanout(BenchCluster cluster, Settings settings)
      throws Exception {
    progress(
        "C. fan-out from node A: %d warm-up + %d measured events",
        FANOUT_WARMUP_EVENTS, settings.events());
    Deadline deadline = Deadline.in(settings.limit());
    FanoutPhase phase = FanoutPhase.attach(cluster);
    try {
      phase.measure(FANOUT_WARMUP_EVENTS, deadline);
      return reportGiveUp(
          "C", phase.measure(settings.events(), deadline), FanoutPhase.Result::gaveUp);
    } finally {
      phase.close();
    }
  }

  private static <T> T reportGiveUp(
      String phase, T result, java.util.function.Predicate<T> gaveUp) {
    if (gaveUp.test(result)) {
      System.out.println(
          "phase " + phase + " gave up at its time limit; its figures cover what it finished");
    }
    return result;
  }

  private static void printSummary(Settings settings, Results r) {
    System.out.println();
    System.out.printf(
        "Routing choice benchmark: 3 clustered nodes in one JVM, 127.0.0.1, %d CPUs, Java %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.printf(
        "idle cluster: %.1f ms of process CPU per second (included, not subtracted, below)%n",
        r.idleCpuMillisPerSecond());
    ChurnPhase.Result a = r.churn();
    System.out.printf(
        "A. registration churn on node B (per-channel design), %d cycles%n", a.cycles());
    System.out.printf("   %.1f cycles/s%n", a.cyclesPerSecond());
    System.out.printf("   register   %s%n", latencies(a.register()));
    System.out.printf("   unregister %s%n", latencies(a.unregister()));
    System.out.printf(
        "   process CPU per cycle: %.1f us (all three nodes)%n", a.cpuMicrosPerCycle());
    System.out.println(
        "B. propagation window: B's registration completes, then A publishes every 1 ms");
    printPropagation("cold (A sent once while no consumer existed)", r.cold());
    printPropagation("warm (C already consumed it, A had published to C)", r.warm());
    FanoutPhase.Result c = r.fanout();
    System.out.printf(
        "C. fan-out (chosen design): %d events of ~200 B from A to all 3 nodes%n", c.events());
    System.out.printf("   %.0f events/s%n", c.eventsPerSecond());
    System.out.printf(
        "   process CPU per event per remote node: %.2f us (upper bound: includes A's send and"
            + " its own local delivery)%n",
        c.cpuMicrosPerEventPerRemoteNode());
    System.out.printf(
        "Break-even: one register+unregister cycle costs as much CPU as %.0f wasted cross-node"
            + " events (A's CPU per cycle / C's CPU per event per node)%n",
        r.breakEven());
    if (!r.complete()) {
      System.out.println(
          "INCOMPLETE: a phase gave up at its " + settings.limit().toSeconds() + " s limit");
    }
  }

  private static void printPropagation(String label, PropagationPhase.Result b) {
    System.out.printf("   %s: %d probes%n", label, b.probes());
    System.out.printf(
        "      first receipt after completion: %s; never within 5 s: %d%n",
        latencies(b.windowMicros()), b.neverReceived());
    System.out.printf(
        "      lost: %d of %d events published after completion (%d probes lost some)%n",
        b.lost(), b.publishedAfterReady(), b.probesWithLoss());
  }

  private static String latencies(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "no samples";
    }
    return String.format(
        "p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        millis(h, 50), millis(h, 99), h.getMaxValue() / 1000.0);
  }

  private static double millis(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static JsonObject json(Settings settings, Results r) {
    return new JsonObject()
        .put("bench", "routing-choice")
        .put("complete", r.complete())
        .put("cpus", Runtime.getRuntime().availableProcessors())
        .put("idleCpuMillisPerSecond", round(r.idleCpuMillisPerSecond()))
        .put(
            "churn",
            new JsonObject()
                .put("cycles", r.churn().cycles())
                .put("cyclesPerSecond", round(r.churn().cyclesPerSecond()))
                .put("registerMs", percentiles(r.churn().register()))
                .put("unregisterMs", percentiles(r.churn().unregister()))
                .put("cpuMicrosPerCycle", round(r.churn().cpuMicrosPerCycle())))
        .put("propagationCold", propagationJson(r.cold()))
        .put("propagationWarm", propagationJson(r.warm()))
        .put(
            "fanout",
            new JsonObject()
                .put("events", r.fanout().events())
                .put("eventsPerSecond", round(r.fanout().eventsPerSecond()))
                .put(
                    "cpuMicrosPerEventPerRemoteNode",
                    round(r.fanout().cpuMicrosPerEventPerRemoteNode())))
        .put("breakEvenEventsPerCycle", round(r.breakEven()))
        .put("limitSeconds", settings.limit().toSeconds());
  }

  private static JsonObject propagationJson(PropagationPhase.Result b) {
    return new JsonObject()
        .put("probes", b.probes())
        .put("windowMs", percentiles(b.windowMicros()))
        .put("neverReceived", b.neverReceived())
        .put("publishedAfterReady", b.publishedAfterReady())
        .put("lost", b.lost())
        .put("probesWithLoss", b.probesWithLoss());
  }

  private static JsonObject percentiles(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new JsonObject();
    }
    return new JsonObject()
        .put("p50", round(millis(h, 50)))
        .put("p99", round(millis(h, 99)))
        .put("max", round(h.getMaxValue() / 1000.0));
  }

  private static double round(double value) {
    return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : -1;
  }

  private static void progress(String format, Object... args) {
    System.out.printf(format + "%n", args);
  }
}
