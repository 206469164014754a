package dev.hub.load.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scenario run needs: the hub jar to start nodes from, where results go, and the sizes.
 * {@code quick} shrinks every size and duration, for a smoke test of the scenarios themselves:
 * its figures mean nothing.
 */
record ScenarioSettings(
    Path hubJar,
    Path out,
    boolean quick,
    boolean pin,
    int subscribers,
    Duration warmup,
    Duration measure,
    List<Double> rates,
    List<Integer> clusterSizes,
    int idleConnections,
    String baselineTransport) {

  static final String USAGE = """
      usage: java -jar hub-load/target/hub-load.jar scenario <1|2|3|all|capacity|history> [options]
        1    single node, maximum throughput, against the baseline server (scenario 4) in the same run
        2    1, 2 and 3 nodes, fixed rates 10..100 events/s: latency local/remote, losses, knee, plot
        3    connection capacity: idle connections on one node, memory per connection, connects/s
        all  1, 2 and 3 in turn
        capacity  48,000 subscribers over 3 nodes (-Xmx1g each), from listener processes of 12,000,
             10 broadcasts that must reach them all: losses, publish to last delivery, node memory
        history  2 nodes, 10 subscribers, 200 events/s on a channel without history and one with,
             alternated twice: server CPU per publish and ack latency
      options:
        --hub-jar <path>      the hub's fat jar (default hub/target/hub.jar)
        --out <dir>           results: results.jsonl, report.md, latency-vs-rate.png, server logs
                              (default hub-load/target/bench)
        --subscribers <n>     subscribers in scenarios 1 and 2 (default 1000)
        --rates <list>        scenario 2's events/s, comma-separated, lowest first (default 10,30,50,70,100)
        --nodes <list>        scenario 2's cluster sizes, comma-separated (default 1,2,3)
        --connections <n>     idle connections in scenario 3 (default: as many as the open-file limit allows),
                              subscribers in capacity (default 48000)
        --baseline-transport <nio|epoll>  the baseline server's socket transport (default nio: what a
                              minimal Vert.x server gets; hub nodes pick epoll on Linux, HUB_TRANSPORT=nio
                              in this process's environment makes them use NIO)
        --quick               tiny sizes and durations: checks that the scenarios run, measures nothing
        --no-pin              leave CPU affinity alone (by default servers run on CPU 0, this process on the last)
      """;

  static ScenarioSettings parse(List<String> args) {
    Path hubJar = Path.of("hub/target/hub.jar");
    Path out = Path.of("hub-load/target/bench");
    boolean quick = false;
    boolean pin = true;
    Integer subscribers = null;
    Integer connections = null;
    List<Double> rates = null;
    List<Integer> sizes = null;
    String baselineTransport = "nio";
    List<String> rest = new ArrayList<>(args);
    for (int i = 0; i < rest.size(); i++) {
      String flag = rest.get(i);
      switch (flag) {
        case "--quick" -> quick = true;
        case "--no-pin" -> pin = false;
        case "--hub-jar" -> hubJar = Path.of(value(rest, ++i, flag));
        case "--out" -> out = Path.of(value(rest, ++i, flag));
        case "--subscribers" -> subscribers = positive(value(rest, ++i, flag), flag);
        case "--connections" -> connections = positive(value(rest, ++i, flag), flag);
        case "--rates" ->
          rates = list(value(rest, ++i, flag), flag).stream()
              .map(Integer::doubleValue)
              .toList();
        case "--nodes" -> sizes = list(value(rest, ++i, flag), flag);
        case "--baseline-transport" -> baselineTransport = transport(value(rest, ++i, flag), flag);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (quick) {
      return new ScenarioSettings(
          hubJar,
          out,
          true,
          pin,
          subscribers == null ? 40 : subscribers,
          Duration.ofMillis(500),
          Duration.ofSeconds(2),
          rates == null ? List.of(10.0, 50.0) : rates,
          sizes == null ? List.of(1, 2) : sizes,
          connections == null ? 200 : connections,
          baselineTransport);
    }
    // 20 s windows: at 10 events/s a 10 s window holds 100 events, and its p99 is one event's.
    return new ScenarioSettings(
        hubJar,
        out,
        false,
        pin,
        subscribers == null ? 1000 : subscribers,
        Duration.ofSeconds(5),
        Duration.ofSeconds(20),
        rates == null ? List.of(10.0, 30.0, 50.0, 70.0, 100.0) : rates,
        sizes == null ? List.of(1, 2, 3) : sizes,
        connections == null ? 0 : connections,
        baselineTransport);
  }

  private static String value(List<String> args, int index, String flag) {
    if (index >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(index);
  }

  /** A comma-separated list of positive whole numbers, for the light-load runs of one rate. */
  private static List<Integer> list(String text, String flag) {
    List<Integer> values = new ArrayList<>();
    for (String item : text.split(",")) {
      values.add(positive(item.trim(), flag));
    }
    return List.copyOf(values);
  }

  private static String transport(String text, String flag) {
    if (!text.equals("nio") && !text.equals("epoll")) {
      throw new IllegalArgumentException(flag + " must be nio or epoll, not " + text);
    }
    return text;
  }

  private static int positive(String text, String flag) {
    try {
      int value = Integer.parseInt(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " must be a positive whole number, not " + text);
  }
}
