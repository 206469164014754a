package dev.hub.load.scenario;

import dev.hub.load.Broadcast;
import dev.hub.load.Latency;
import dev.hub.load.ListenResult;
import dev.hub.load.ProcessStats;
import dev.hub.load.ServerMemory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity scenario: {@code connections} subscribers of one channel over three nodes, each
 * node with a heap of its own, then broadcasts that must reach every one of them. One process holds
 * at most as many sockets as it has file descriptors (20,000 on the build machine, a hard limit),
 * so the subscribers are spread over {@code listen} processes of 12,000 each ({@code --quick}: 100), every
 * one binding loopback source addresses of its own (one address has about 28,000 ephemeral
 * ports). This process publishes; every process times on the machine's monotonic clock. Nodes and
 * listeners are children, stopped when it ends, whatever happens.
 */
final class CapacityScenario {
  private static final Logger log = LoggerFactory.getLogger(CapacityScenario.class);
  private static final int PER_LISTENER = 12_000;
  private static final int NODES = 3;
  private static final String CHANNEL = "capacity";
  private static final String NODE_HEAP = "1g";
  private static final String LISTENER_HEAP = "1g";
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final int PAYLOAD_BYTES = 100;
  private static final Duration READY_WAIT = Duration.ofMinutes(10);
  private static final Duration LISTEN_TIMEOUT = Duration.ofMinutes(3);

  private final ScenarioSettings settings;
  private final CpuPinning pinning;
  private final Report report;
  private final Path nodeConfig;
  private final String classPath;
  private final int perListener;
  private final int events;

  /** @param pinning nodes go where it puts servers; listeners run where this process does */
  CapacityScenario(
      ScenarioSettings settings,
      CpuPinning pinning,
      Report report,
      Path nodeConfig,
      String classPath) {
    this.settings = settings;
    this.pinning = pinning;
    this.report = report;
    this.nodeConfig = nodeConfig;
    this.classPath = classPath;
    this.perListener = settings.quick() ? 100 : PER_LISTENER;
    this.events = settings.quick() ? 3 : 10;
  }

  void run() throws Exception {
    int connections = settings.idleConnections() > 0 ? settings.idleConnections() : 48_000;
    int listeners = (connections + perListener - 1) / perListener;
    report.text(String.format(
        Locale.ROOT,
        "## Capacity: %,d subscribers of one channel over %d nodes, %d broadcasts%n",
        connections,
        NODES,
        events));
    try (ServerProcesses children =
        new ServerProcesses(pinning, settings.out().resolve("logs").resolve("capacity"))) {
      List<ServerProcesses.Server> nodes =
          children.startHubs(settings.hubJar(), NODES, NODE_HEAP, nodeConfig);
      List<Long> pids = nodes.stream().map(ServerProcesses.Server::pid).toList();
      List<ServerMemory.Reading> before = readings(pids);
      double quietCpu = cpuSecondsPerSecond(pids, Duration.ofSeconds(settings.quick() ? 1 : 10));
      long opening = System.nanoTime();
      List<ServerProcesses.Server> listening = new ArrayList<>();
      for (int i = 0; i < listeners; i++) {
        int share = Math.min(perListener, connections - i * perListener);
        log.info("listener {} opens {} subscribers ...", i, share);
        listening.add(children.startListener(
            "listen-" + i, classPath, LISTENER_HEAP, arguments(nodes, i, share), READY_WAIT));
      }
      double openSeconds = (System.nanoTime() - opening) / 1e9;
      List<ServerMemory.Reading> after = readings(pids);
      double idleCpu = cpuSecondsPerSecond(pids, Duration.ofSeconds(settings.quick() ? 1 : 10));
      long cpuBefore = cpu(pids);
      long windowStart = System.nanoTime();
      log.info("publishing {} events to {} subscribers ...", events, connections);
      Broadcast.Sent sent =
          Broadcast.run(nodes.get(0).url(), CHANNEL, events, INTERVAL, PAYLOAD_BYTES);
      List<JsonObject> results = awaitResults(children, listening);
      double broadcastCpu = (cpu(pids) - cpuBefore) / 1e6;
      double window = (System.nanoTime() - windowStart) / 1e9;
      write(
          connections,
          listeners,
          openSeconds,
          sent,
          results,
          memory(pids, before, after),
          new Cpu(quietCpu, idleCpu, broadcastCpu, window));
    }
  }

  private List<String> arguments(List<ServerProcesses.Server> nodes, int index, int share) {
    String urls =
        nodes.stream().map(node -> node.url().toString()).collect(Collectors.joining(","));
    // 127.0.<i+1>.1 and .2: addresses of its own, so no two listeners compete for ephemeral ports.
    String sources = "127.0." + (index + 1) + ".1,127.0." + (index + 1) + ".2";
    return List.of(
        "--urls",
        urls,
        "--connections",
        String.valueOf(share),
        "--channel",
        CHANNEL,
        "--source-addresses",
        sources,
        "--events",
        String.valueOf(events),
        "--connects-per-second",
        "1000",
        "--timeout",
        LISTEN_TIMEOUT.toSeconds() + "s");
  }

  /** Each listener's result line, once it exits (every event everywhere, or its timeout). */
  private static List<JsonObject> awaitResults(
      ServerProcesses children, List<ServerProcesses.Server> listening) throws Exception {
    List<JsonObject> results = new ArrayList<>();
    long deadline = System.nanoTime() + LISTEN_TIMEOUT.plusMinutes(1).toNanos();
    for (ServerProcesses.Server listener : listening) {
      long left = Math.max(1, deadline - System.nanoTime());
      if (!listener.process().waitFor(left, TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            listener.name() + " did not end; see " + children.log(listener.name()));
      }
      String line = lastJsonLine(children.log(listener.name()));
      if (line == null) {
        throw new IllegalStateException(
            listener.name() + " reported nothing; see " + children.log(listener.name()));
      }
      results.add(new JsonObject(line));
    }
    return results;
  }

  private static String lastJsonLine(Path log) throws IOException {
    // The copier thread may still be writing the last lines of a child that just ended.
    for (int attempt = 0; attempt < 50; attempt++) {
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("{")) {
          return lines.get(i);
        }
      }
      sleep(100);
    }
    return null;
  }

  /**
   * The nodes' CPU, summed: per second with no client, per second while holding the connections
   * idle, and over the broadcast window (from the publisher's connect to the last listener's exit).
   */
  private record Cpu(
      double quietSecondsPerSecond,
      double idleSecondsPerSecond,
      double broadcastSeconds,
      double windowSeconds) {
    /** The broadcast window's CPU net of what holding the connections costs anyway, per delivery. */
    double netMicrosPerDelivery(long delivered) {
      return delivered == 0
          ? Double.NaN
          : (broadcastSeconds - idleSecondsPerSecond * windowSeconds) * 1e6 / delivered;
    }
  }

  private void write(
      int connections,
      int listeners,
      double openSeconds,
      Broadcast.Sent sent,
      List<JsonObject> results,
      List<ServerMemory> memory,
      Cpu cpu)
      throws IOException {
    int opened = 0;
    long delivered = 0;
    long duplicates = 0;
    int closed = 0;
    long[] perEvent = new long[events];
    long[] slowest = new long[events];
    Histogram latency = null;
    for (JsonObject result : results) {
      opened += result.getInteger("opened");
      delivered += result.getLong("delivered");
      duplicates += result.getLong("duplicates");
      closed += result.getInteger("closed");
      JsonArray deliveries = result.getJsonArray("eventDeliveries");
      JsonArray slow = result.getJsonArray("eventSlowestNanos");
      for (int i = 0; i < events; i++) {
        perEvent[i] += deliveries.getLong(i);
        slowest[i] = Math.max(slowest[i], slow.getLong(i));
      }
      Histogram one = ListenResult.histogram(result);
      if (latency == null) {
        latency = one;
      } else {
        latency.add(one);
      }
    }
    long expected = (sent.published() - sent.refused()) * (long) opened;
    StringBuilder text = new StringBuilder();
    text.append(String.format(
        Locale.ROOT,
        "%,d subscribers asked, **%,d opened and subscribed** by %d listener processes "
            + "in %.0f s; %,d closed before the end.%n%n",
        connections,
        opened,
        listeners,
        openSeconds,
        closed));
    text.append(String.format(
        Locale.ROOT,
        "%d events published (%d acked, %d refused), one every %d s, %d-byte payload: "
            + "**%,d of %,d deliveries, %,d lost**, %,d duplicates.%n%n",
        sent.published(),
        sent.acked(),
        sent.refused(),
        INTERVAL.toSeconds(),
        PAYLOAD_BYTES,
        delivered,
        expected,
        Math.max(0, expected - delivered),
        duplicates));
    text.append("| event | deliveries | publish to last delivery |\n| ---: | ---: | ---: |\n");
    for (int i = 0; i < events; i++) {
      text.append(
          String.format(Locale.ROOT, "| %d | %,d | %.0f ms |%n", i, perEvent[i], slowest[i] / 1e6));
    }
    Latency all = latency == null ? null : Latency.of(latency);
    text.append(String.format(
        Locale.ROOT,
        "%nEvery delivery, publish to receipt: %s.%n%n",
        all == null ? "none" : all.line()));
    text.append(
        "| node | heap after full GC, before → after opening | RSS before → after |\n| --- | ---: | ---: |\n");
    for (int i = 0; i < memory.size(); i++) {
      ServerMemory node = memory.get(i);
      text.append(String.format(
          Locale.ROOT,
          "| n%d (-Xmx%s) | %s → %s | %s → %s |%n",
          i + 1,
          NODE_HEAP,
          mib(node.heapBefore()),
          mib(node.heapAfter()),
          mib(node.rssBefore()),
          mib(node.rssAfter())));
    }
    text.append(String.format(
        Locale.ROOT,
        "%nNode CPU, summed over the nodes: %.0f ms/s with no client, %.0f ms/s holding "
            + "the connections idle (heartbeats, timers); %.2f s over the %.1f s broadcast window, **%.1f µs per delivery** "
            + "net of the idle figure.%n",
        cpu.quietSecondsPerSecond() * 1000,
        cpu.idleSecondsPerSecond() * 1000,
        cpu.broadcastSeconds(),
        cpu.windowSeconds(),
        cpu.netMicrosPerDelivery(delivered)));
    report.text(text.toString());
    JsonArray nodes = new JsonArray();
    memory.forEach(node -> nodes.add(node.toJson()));
    report.extra(
        "capacity",
        new JsonObject()
            .put("connections", connections)
            .put("opened", opened)
            .put("listeners", listeners)
            .put("openSeconds", openSeconds)
            .put("published", sent.published())
            .put("acked", sent.acked())
            .put("refused", sent.refused())
            .put("delivered", delivered)
            .put("expected", expected)
            .put("duplicates", duplicates)
            .put("closed", closed)
            .put(
                "eventDeliveries",
                new JsonArray(java.util.Arrays.stream(perEvent).boxed().toList()))
            .put(
                "eventSlowestMillis",
                new JsonArray(
                    java.util.Arrays.stream(slowest).mapToObj(n -> n / 1e6).toList()))
            .put("latency", all == null ? null : all.toJson())
            .put("nodes", nodes)
            .put("quietServerCpuSecondsPerSecond", cpu.quietSecondsPerSecond())
            .put("idleServerCpuSecondsPerSecond", cpu.idleSecondsPerSecond())
            .put("broadcastServerCpuSeconds", cpu.broadcastSeconds())
            .put("broadcastWindowSeconds", cpu.windowSeconds())
            .put("serverMicrosPerDelivery", cpu.netMicrosPerDelivery(delivered)));
    log.info("capacity:\n{}", text);
  }

  private static List<ServerMemory.Reading> readings(List<Long> pids) {
    return pids.stream().map(ServerMemory.Reading::of).toList();
  }

  private static List<ServerMemory> memory(
      List<Long> pids, List<ServerMemory.Reading> before, List<ServerMemory.Reading> after) {
    List<ServerMemory> nodes = new ArrayList<>();
    for (int i = 0; i < pids.size(); i++) {
      nodes.add(ServerMemory.of(pids.get(i), before.get(i), after.get(i)));
    }
    return nodes;
  }

  private static long cpu(List<Long> pids) throws IOException {
    long micros = 0;
    for (long pid : pids) {
      micros += ProcessStats.cpuMicros(pid);
    }
    return micros;
  }

  private static double cpuSecondsPerSecond(List<Long> pids, Duration window) throws IOException {
    long before = cpu(pids);
    long began = System.nanoTime();
    sleep(window.toMillis());
    return (cpu(pids) - before) / 1e6 / ((System.nanoTime() - began) / 1e9);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String mib(Long bytes) {
    return bytes == null ? "?" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }
}
