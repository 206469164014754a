package dev.hub.load.scenario;

import dev.hub.load.IdleConnections;
import dev.hub.load.IdleOptions;
import dev.hub.load.IdleResult;
import dev.hub.load.LoadGenerator;
import dev.hub.load.LoadOptions;
import dev.hub.load.LoadResult;
import dev.hub.load.Mode;
import dev.hub.load.ProcessStats;
import dev.hub.load.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark scenarios of docs/benchmarks.md, each one command. Servers run as child processes
 * pinned to CPU 0, this process (the load generator) to the other CPU; every run's JSON goes to
 * {@code results.jsonl} and the tables to {@code report.md}.
 */
final class Scenarios {
  private static final Logger log = LoggerFactory.getLogger(Scenarios.class);
  static final String CHANNEL = "bench";
  /** Events in flight in the maximum-throughput runs: enough to keep every socket busy, few enough to bound latency. */
  private static final int MAX_IN_FLIGHT = 20;

  private static final int PAYLOAD_BYTES = 100;
  private static final double KNEE_P99_MS = 50;
  /** The history scenario's channel with history (the node configuration gives it 1,000 events). */
  static final String HISTORY_CHANNEL = "bench-history";

  private static final int HISTORY_SUBSCRIBERS = 10;
  private static final double HISTORY_RATE = 200;
  private static final String NODE_HEAP = "1g";
  private static final String IDLE_NODE_HEAP = "2g";

  private final ScenarioSettings settings;
  private final CpuPinning pinning;
  private final Report report;
  private final Path nodeConfig;
  private final String machine;

  Scenarios(ScenarioSettings settings, CpuPinning pinning, Report report, String machine)
      throws IOException {
    this.settings = settings;
    this.machine = machine;
    this.pinning = pinning;
    this.report = report;
    // The publisher is one connection sending as fast as it may: the per-connection rate limit
    // (100/s by default) would measure the limiter, not the hub. Subscribers each have a user.
    this.nodeConfig = settings.out().resolve("node-config.json");
    Files.writeString(
        nodeConfig,
        new JsonObject()
            .put(
                "limits",
                new JsonObject()
                    .put("ratePerSecond", 1_000_000)
                    .put("burst", 1_000_000)
                    .put("connectionsPerUser", 1_000_000)
                    .put("connectionsPerNode", 1_000_000))
            .encodePrettily());
  }

  /** Scenario 1 and its baseline (scenario 4): deliveries per second at maximum throughput on one node. */
  void one() throws Exception {
    report.text("## Scenario 1: one node, " + settings.subscribers()
        + " subscribers on one channel, maximum throughput\n");
    RunRecord baseline;
    List<ServerProcesses.Server> started = new ArrayList<>();
    try (ServerProcesses servers = servers("1-baseline")) {
      ServerProcesses.Server server =
          servers.startBaseline(classPath(), NODE_HEAP, settings.baselineTransport());
      started.add(server);
      baseline =
          run("1", "baseline max", 1, options(List.of(server), Target.BASELINE, Mode.MAX, 0));
    }
    RunRecord hub;
    try (ServerProcesses servers = servers("1-hub")) {
      List<ServerProcesses.Server> nodes =
          servers.startHubs(settings.hubJar(), 1, NODE_HEAP, nodeConfig);
      started.addAll(nodes);
      hub = run("1", "hub max", 1, options(nodes, Target.HUB, Mode.MAX, 0));
    }
    report.text(table(List.of(baseline, hub)));
    report.text(transports("1", started));
    double throughput = hub.number("deliveriesPerSecond") / baseline.number("deliveriesPerSecond");
    double cpu =
        hub.number("cpu.serverMicrosPerDelivery") / baseline.number("cpu.serverMicrosPerDelivery");
    report.text(String.format(
        Locale.ROOT,
        "- hub / baseline deliveries per second: **%.2f** (issue 12's target: at least 1.10)%n"
            + "- hub / baseline server CPU per delivery: **%.2f** (issue 12's target: at most 0.80)%n",
        throughput,
        cpu));
    report.extra(
        "1", new JsonObject().put("throughputRatio", throughput).put("cpuPerDeliveryRatio", cpu));
  }

  /** Scenario 2: a sweep of fixed rates on one, two and three nodes, with the baseline at the lowest rate. */
  void two() throws Exception {
    report.text("## Scenario 2: " + settings.subscribers()
        + " subscribers spread over 1, 2 and 3 nodes, fixed rates\n");
    double lowest = settings.rates().get(0);
    RunRecord baseline;
    List<ServerProcesses.Server> started = new ArrayList<>();
    try (ServerProcesses servers = servers("2-baseline")) {
      ServerProcesses.Server server =
          servers.startBaseline(classPath(), NODE_HEAP, settings.baselineTransport());
      started.add(server);
      warmUp(List.of(server), Target.BASELINE);
      baseline = run(
          "2",
          "baseline " + rate(lowest),
          1,
          options(List.of(server), Target.BASELINE, Mode.RATE, lowest));
    }
    List<RunRecord> runs = new ArrayList<>();
    List<LatencyPlot.Point> points = new ArrayList<>();
    Map<Integer, Double> idleCpu = new TreeMap<>();
    for (int nodes : settings.clusterSizes()) {
      try (ServerProcesses servers = servers("2-hub-" + nodes)) {
        List<ServerProcesses.Server> cluster =
            servers.startHubs(settings.hubJar(), nodes, NODE_HEAP, nodeConfig);
        started.addAll(cluster);
        idleCpu.put(nodes, idleCpuSecondsPerSecond(cluster));
        warmUp(cluster, Target.HUB);
        for (double eventsPerSecond : settings.rates()) {
          RunRecord record = run(
              "2",
              nodes + (nodes == 1 ? " node " : " nodes ") + rate(eventsPerSecond),
              nodes,
              options(cluster, Target.HUB, Mode.RATE, eventsPerSecond));
          runs.add(record);
          String side = nodes == 1 ? "all" : "remote";
          points.add(new LatencyPlot.Point(
              nodes,
              eventsPerSecond,
              record.number("latency." + side + ".p50"),
              record.number("latency." + side + ".p99")));
        }
      }
    }
    List<RunRecord> all = new ArrayList<>(List.of(baseline));
    all.addAll(runs);
    report.text(table(all));
    report.text(transports("2", started));
    for (int nodes : settings.clusterSizes()) {
      report.text(String.format(
          Locale.ROOT,
          "- knee with %d node(s) (highest rate with p99 under %.0f ms and no loss): **%s**",
          nodes,
          KNEE_P99_MS,
          knee(runs, nodes)));
    }
    RunRecord twoAtLowest = find(runs, 2, lowest);
    RunRecord oneAtLowest = find(runs, 1, lowest);
    // Issue 12 asks the light-load p99 of local and of remote subscribers to stay within 1.2x
    // the baseline's: one node's (all local), and two nodes' local and remote.
    double baselineP99 = baseline.number("latency.all.p99");
    if (oneAtLowest != null) {
      report.text(p99Ratio("one node's p99", oneAtLowest, "latency.all.p99", baselineP99, lowest));
    }
    if (twoAtLowest != null) {
      report.text(
          p99Ratio("two nodes' local p99", twoAtLowest, "latency.local.p99", baselineP99, lowest));
      report.text(p99Ratio(
          "two nodes' remote p99", twoAtLowest, "latency.remote.p99", baselineP99, lowest));
    }
    for (Map.Entry<Integer, Double> idle : idleCpu.entrySet()) {
      report.extra(
          "2",
          new JsonObject()
              .put("label", "idle " + idle.getKey())
              .put("nodes", idle.getKey())
              .put("idleServerCpuSecondsPerSecond", idle.getValue()));
    }
    report.text(
        "- server CPU with no clients, summed over the nodes (Hazelcast heartbeats, timers): "
            + idleCpu.entrySet().stream()
                .map(e -> String.format(
                    Locale.ROOT, "%d node(s) %.1f ms/s", e.getKey(), e.getValue() * 1000))
                .collect(Collectors.joining(", ")));
    for (double eventsPerSecond : settings.rates()) {
      RunRecord one = find(runs, 1, eventsPerSecond);
      RunRecord two = find(runs, 2, eventsPerSecond);
      if (one != null && two != null) {
        report.text(String.format(
            Locale.ROOT,
            "- at %s, server CPU per delivery, two nodes summed / one node: **%.2f** (issue 12's target at light load: at most 1.30); "
                + "net of idle CPU: %.2f µs / %.2f µs = **%.2f**",
            rate(eventsPerSecond),
            two.number("cpu.serverMicrosPerDelivery") / one.number("cpu.serverMicrosPerDelivery"),
            netMicrosPerDelivery(two, idleCpu.get(2)),
            netMicrosPerDelivery(one, idleCpu.get(1)),
            netMicrosPerDelivery(two, idleCpu.get(2)) / netMicrosPerDelivery(one, idleCpu.get(1))));
      }
    }
    long lost = runs.stream().mapToLong(r -> Math.max(0, r.count("lost"))).sum();
    report.text("- events lost over every hub run: **" + lost + "**\n");
    Path png = settings.out().resolve("latency-vs-rate.png");
    LatencyPlot.writePng(points, settings.subscribers(), machine, png);
    report.text("![latency against publish rate](" + png.getFileName() + ")\n");
  }

  /**
   * The history scenario: what a publish costs on a channel with history against one without, on
   * two nodes, in the same run and at the same rate. Few subscribers, so that the server's CPU is
   * mostly the publish path (for history: the append, its epoch read and the synchronous backup)
   * rather than the fan-out; the two channels alternate, twice, after a warm-up of each.
   */
  void history() throws Exception {
    report.text(String.format(
        Locale.ROOT,
        "## History: a publish's cost with and without history, 2 nodes, %d subscribers, %s\n",
        HISTORY_SUBSCRIBERS,
        rate(HISTORY_RATE)));
    Path config = settings.out().resolve("node-config-history.json");
    Files.writeString(
        config,
        new JsonObject(Files.readString(nodeConfig))
            .put(
                "channels",
                new JsonArray()
                    .add(new JsonObject()
                        .put("pattern", HISTORY_CHANNEL)
                        .put("history", new JsonObject().put("size", 1000).put("ttl", "10m"))))
            .encodePrettily());
    List<RunRecord> runs = new ArrayList<>();
    try (ServerProcesses servers = servers("history")) {
      List<ServerProcesses.Server> cluster =
          servers.startHubs(settings.hubJar(), 2, NODE_HEAP, config);
      for (String channel : List.of(CHANNEL, HISTORY_CHANNEL)) {
        log.info("warming up channel {} ...", channel);
        LoadGenerator.run(historyOptions(cluster, channel)
            .withWarmup(settings.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(10))
            .withDuration(Duration.ofSeconds(1)));
      }
      for (int round = 1; round <= 2; round++) {
        for (String channel : List.of(CHANNEL, HISTORY_CHANNEL)) {
          String label =
              (channel.equals(CHANNEL) ? "without history" : "with history") + ", round " + round;
          runs.add(run("history", label, 2, historyOptions(cluster, channel)));
        }
      }
    }
    StringBuilder table = new StringBuilder(
        "| run | events/s | lost | server CPU µs/publish | ack p50 | ack p99 | ack p99.9 "
            + "| delivery p50 | delivery p99 |\n"
            + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (RunRecord r : runs) {
      table.append(String.format(
          Locale.ROOT,
          "| %s | %,.1f | %d | %.1f | %s | %s | %s | %s | %s |%n",
          r.label(),
          r.number("eventsPerSecond"),
          r.count("lost"),
          microsPerPublish(r),
          ms(r, "latency.ack.p50"),
          ms(r, "latency.ack.p99"),
          ms(r, "latency.ack.p999"),
          ms(r, "latency.all.p50"),
          ms(r, "latency.all.p99")));
    }
    report.text(table.toString());
    for (int round = 0; round < runs.size() / 2; round++) {
      RunRecord plain = runs.get(2 * round);
      RunRecord history = runs.get(2 * round + 1);
      double cpu = microsPerPublish(history) / microsPerPublish(plain);
      double ackP50 = history.number("latency.ack.p50") / plain.number("latency.ack.p50");
      report.text(String.format(
          Locale.ROOT,
          "- round %d, with history / without: server CPU per publish **%.2f**, ack p50 **%.2f**"
              + " (%.2f ms more)",
          round + 1,
          cpu,
          ackP50,
          history.number("latency.ack.p50") - plain.number("latency.ack.p50")));
      report.extra(
          "history",
          new JsonObject()
              .put("round", round + 1)
              .put("cpuPerPublishRatio", cpu)
              .put("ackP50Ratio", ackP50));
    }
    report.text("");
  }

  /** Server CPU per publish over the measured window (every server's, the fan-out's included). */
  private static double microsPerPublish(RunRecord run) {
    return run.number("cpu.serverSeconds")
        * 1e6
        / (run.number("eventsPerSecond") * run.number("measuredSeconds"));
  }

  private LoadOptions historyOptions(List<ServerProcesses.Server> cluster, String channel) {
    return options(cluster, Target.HUB, Mode.RATE, HISTORY_RATE)
        .withSubscribers(HISTORY_SUBSCRIBERS)
        .withChannel(channel);
  }

  /**
   * Scenario 3: idle connections on one node, as many as this machine lets one process open,
   * over four loopback source addresses (one address alone runs out of ephemeral ports near
   * 28 000), with memory per connection and connects per second.
   */
  void three() throws Exception {
    long openFiles = OpenFiles.limit();
    // The node and this process each need a descriptor per connection, and the node some for its
    // jars, its cluster sockets and its logs, and jcmd's attach needs one more to read its heap.
    int connections = settings.idleConnections() > 0
        ? settings.idleConnections()
        : (int) Math.max(1000, Math.min(100_000, openFiles - 1000));
    report.text(
        "## Scenario 3: connection capacity, " + connections + " idle connections on one node\n");
    report.text("Open-file limit per process here: "
        + (openFiles == Long.MAX_VALUE ? "unlimited" : openFiles)
        + " (`ulimit -n`); each connection takes one in the node and one in the load generator.\n");
    try (ServerProcesses servers = servers("3-hub")) {
      List<ServerProcesses.Server> nodes =
          servers.startHubs(settings.hubJar(), 1, IDLE_NODE_HEAP, nodeConfig);
      IdleOptions options = new IdleOptions(
          nodes.stream().map(ServerProcesses.Server::url).toList(),
          connections,
          Target.HUB,
          null,
          0,
          List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"),
          settings.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(5),
          nodes.stream().map(ServerProcesses.Server::pid).toList());
      log.info("opening {} idle connections ...", connections);
      IdleResult result = IdleConnections.run(options);
      log.info("idle connections:\n{}", result.summary());
      report.extra("3", new JsonObject().put("label", "hub idle").put("result", result.toJson()));
      report.text(String.format(
          Locale.ROOT,
          """
          | connections asked | opened | failed | connects/s | heap per connection (after full GC) | RSS per connection |
          | ---: | ---: | ---: | ---: | ---: | ---: |
          | %,d | %,d | %,d | %,.0f | %s | %s |
          """,
          connections,
          result.opened(),
          result.failed() + result.notAttempted(),
          result.connectsPerSecond(),
          kib(result.heapBytesPerConnection()),
          kib(result.rssBytesPerConnection())));
      if (!result.reasons().isEmpty()) {
        report.text("Failures: " + result.reasons() + "\n");
      }
    }
  }

  /** The capacity scenario (docs/capacity.md): broadcasts to every subscriber of three nodes. */
  void capacity() throws Exception {
    new CapacityScenario(settings, pinning, report, nodeConfig, classPath()).run();
  }

  private static String kib(Double bytes) {
    return bytes == null ? "not measured" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
  }

  /**
   * What the servers burn with no client at all, in CPU seconds per second: at 10 events/s it is
   * a large part of the per-delivery figure, and it grows with the cluster whatever the load.
   */
  private double idleCpuSecondsPerSecond(List<ServerProcesses.Server> servers) throws Exception {
    // Let start-up work (JIT, partition assignment) settle first.
    Thread.sleep(settings.quick() ? 500 : 5_000);
    long before = 0;
    for (ServerProcesses.Server server : servers) {
      before += ProcessStats.cpuMicros(server.pid());
    }
    long began = System.nanoTime();
    Thread.sleep(settings.quick() ? 1_000 : 10_000);
    long after = 0;
    for (ServerProcesses.Server server : servers) {
      after += ProcessStats.cpuMicros(server.pid());
    }
    return (after - before) / 1e6 / ((System.nanoTime() - began) / 1e9);
  }

  /**
   * A run that is not recorded, before a fresh server's sweep: with only a 100 events in a
   * 10-second window at 10 events/s, one event slowed by the JIT compiling the fan-out path is
   * the whole p99. Twice the lowest rate, for the warm-up plus one second.
   */
  private void warmUp(List<ServerProcesses.Server> cluster, Target target) throws Exception {
    log.info("warming up {} {} server(s) ...", cluster.size(), target);
    LoadOptions options = options(cluster, target, Mode.RATE, settings.rates().get(0) * 2)
        .withWarmup(settings.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(10))
        .withDuration(Duration.ofSeconds(1));
    LoadResult result = LoadGenerator.run(options);
    if (result.lost() != 0) {
      throw new IllegalStateException(
          "the warm-up lost " + result.lost() + " deliveries:\n" + result.summary());
    }
  }

  private static String p99Ratio(
      String what, RunRecord run, String path, double baselineP99, double eventsPerSecond) {
    return String.format(
        Locale.ROOT,
        "- at %s, %s / baseline p99: **%.2f** (%s vs %.2f ms; issue 12's target: at most 1.20)",
        rate(eventsPerSecond),
        what,
        run.number(path) / baselineP99,
        ms(run, path),
        baselineP99);
  }

  /** Server CPU per delivery once the idle CPU of the same window is taken off. */
  /**
   * Which socket transport each server said it ran on: part of what is compared, since the hub picks
   * epoll on Linux where a minimal Vert.x server gets NIO unless told otherwise.
   */
  private String transports(String scenario, List<ServerProcesses.Server> servers)
      throws IOException {
    Map<String, String> byServer = new TreeMap<>();
    for (ServerProcesses.Server server : servers) {
      byServer.merge(
          server.name().equals("baseline") ? "baseline" : "hub",
          server.transport(),
          (a, b) -> a.equals(b) ? a : a + "/" + b);
    }
    JsonObject json = new JsonObject();
    byServer.forEach(json::put);
    report.extra(scenario, new JsonObject().put("label", "transports").put("transports", json));
    return "- socket transports: "
        + byServer.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
  }

  private static double netMicrosPerDelivery(RunRecord run, double idleSecondsPerSecond) {
    double window = run.number("measuredSeconds");
    double deliveries = run.number("deliveriesPerSecond") * window;
    return (run.number("cpu.serverSeconds") - idleSecondsPerSecond * window) * 1e6 / deliveries;
  }

  private RunRecord run(String scenario, String label, int nodes, LoadOptions options)
      throws Exception {
    log.info("running {} ...", label);
    LoadResult result = LoadGenerator.run(options);
    log.info("{}:\n{}", label, result.summary());
    RunRecord record = new RunRecord(scenario, label, nodes, result.toJson());
    report.run(record);
    return record;
  }

  private LoadOptions options(
      List<ServerProcesses.Server> servers, Target target, Mode mode, double eventsPerSecond) {
    List<URI> urls = servers.stream().map(ServerProcesses.Server::url).toList();
    List<Long> pids = servers.stream().map(ServerProcesses.Server::pid).toList();
    return new LoadOptions(
        urls,
        settings.subscribers(),
        CHANNEL,
        target,
        mode,
        eventsPerSecond,
        MAX_IN_FLIGHT,
        settings.warmup(),
        settings.measure(),
        PAYLOAD_BYTES,
        500,
        List.of(),
        Duration.ofSeconds(5),
        pids);
  }

  private ServerProcesses servers(String name) throws IOException {
    return new ServerProcesses(pinning, settings.out().resolve("logs").resolve(name));
  }

  /** The highest rate whose p99 stayed under the bound with nothing lost, or "none". */
  private String knee(List<RunRecord> runs, int nodes) {
    String knee = "none";
    for (double eventsPerSecond : settings.rates()) {
      RunRecord record = find(runs, nodes, eventsPerSecond);
      if (record == null
          || record.count("lost") != 0
          || !(record.number("latency.all.p99") < KNEE_P99_MS)) {
        break;
      }
      knee = rate(eventsPerSecond) + " ("
          + String.format(Locale.ROOT, "%,.0f", eventsPerSecond * settings.subscribers())
          + " deliveries/s)";
    }
    return knee;
  }

  private static RunRecord find(List<RunRecord> runs, int nodes, double eventsPerSecond) {
    return runs.stream()
        .filter(r -> r.nodes() == nodes && r.number("eventsPerSecondTarget") == eventsPerSecond)
        .findFirst()
        .orElse(null);
  }

  private static String table(List<RunRecord> runs) {
    StringBuilder table = new StringBuilder();
    table.append(
        "| run | events/s | deliveries/s | lost | p50 local | p99 local | p99.9 local | p50 remote | p99 remote "
            + "| p99.9 remote | server CPU µs/delivery | load CPU µs/delivery |\n");
    table.append(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (RunRecord r : runs) {
      table.append(String.format(
          Locale.ROOT,
          "| %s | %,.0f | %,.0f | %d | %s | %s | %s | %s | %s | %s | %.2f | %.2f |%n",
          r.label(),
          r.number("eventsPerSecond"),
          r.number("deliveriesPerSecond"),
          r.count("lost"),
          ms(r, "latency.local.p50"),
          ms(r, "latency.local.p99"),
          ms(r, "latency.local.p999"),
          ms(r, "latency.remote.p50"),
          ms(r, "latency.remote.p99"),
          ms(r, "latency.remote.p999"),
          r.number("cpu.serverMicrosPerDelivery"),
          r.number("cpu.loadMicrosPerDelivery")));
    }
    return table.toString();
  }

  private static String ms(RunRecord record, String path) {
    double value = record.number(path);
    return Double.isNaN(value)
            || record.count(path.substring(0, path.lastIndexOf('.')) + ".count") == 0
        ? "-"
        : String.format(Locale.ROOT, "%.2f ms", value);
  }

  private static String rate(double eventsPerSecond) {
    return String.format(Locale.ROOT, "%.0f events/s", eventsPerSecond);
  }

  /** The load generator's own class path: the baseline server is in the same jar. */
  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** Call before pinning: afterwards this JVM sees one CPU. */
  static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(cpu);
    } catch (IOException e) {
      // not Linux: the CPU stays unnamed
    }
    return Runtime.getRuntime().availableProcessors() + " CPUs, " + cpu + ", Java "
        + System.getProperty("java.version");
  }
}
