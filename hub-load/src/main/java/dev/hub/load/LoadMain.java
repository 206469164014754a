package dev.hub.load;

import dev.hub.load.scenario.ScenarioMain;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar hub-load.jar [run|baseline|idle] [--name value ...]}. Results go to stdout as one
 * JSON line, so scripts read them; the readable summary and every message go to stderr. A command
 * line that cannot be run exits with 2 and says why.
 */
public final class LoadMain {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String DEFAULT_URL = "ws://127.0.0.1:8080/ws";
  private static final Set<String> RUN_OPTIONS = Set.of(
      "urls",
      "subscribers",
      "channel",
      "target",
      "mode",
      "events-per-second",
      "max-in-flight",
      "warmup",
      "duration",
      "payload-bytes",
      "connects-per-second",
      "source-addresses",
      "loss-timeout",
      "server-pids");
  private static final Set<String> IDLE_OPTIONS = Set.of(
      "urls",
      "connections",
      "target",
      "subscribe",
      "connects-per-second",
      "source-addresses",
      "hold",
      "server-pids");
  private static final Set<String> BASELINE_OPTIONS =
      Set.of("host", "port", "event-loops", "transport");
  private static final Set<String> LISTEN_OPTIONS = Set.of(
      "urls",
      "connections",
      "channel",
      "connects-per-second",
      "source-addresses",
      "events",
      "timeout");

  /** What a command line asks for. */
  sealed interface Command permits Help, Run, Idle, Baseline, Listen {}

  record Help() implements Command {}

  record Run(LoadOptions options) implements Command {}

  record Idle(IdleOptions options) implements Command {}

  record Baseline(String host, int port, int eventLoops, String transport) implements Command {}

  record Listen(ListenOptions options) implements Command {}

  private LoadMain() {}

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs a command line; returns the exit code. {@code baseline} returns only if it fails to start. */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("scenario")) {
      // The benchmark scenarios (docs/benchmarks.md): they start their own servers and write their
      // own report.
      try {
        return ScenarioMain.run(Arrays.asList(args).subList(1, args.length));
      } catch (Exception e) {
        err.println("hub-load: " + e);
        return FAILED;
      }
    }
    Command command;
    try {
      command = parse(args);
    } catch (UsageException e) {
      err.println("hub-load: " + e.getMessage());
      err.println("hub-load --help lists the commands and options");
      return USAGE;
    }
    try {
      if (command instanceof Help) {
        out.print(usage());
      } else if (command instanceof Run run) {
        LoadResult result = LoadGenerator.run(run.options());
        out.println(result.toJson().encode());
        err.print(result.summary());
      } else if (command instanceof Idle idle) {
        IdleResult result = IdleConnections.run(idle.options());
        out.println(result.toJson().encode());
        err.print(result.summary());
      } else if (command instanceof Listen listen) {
        ListenResult result = Listeners.run(listen.options(), out);
        out.println(result.toJson().encode());
        err.print(result.summary());
      } else if (command instanceof Baseline baseline) {
        serveBaseline(baseline, out);
      }
      return OK;
    } catch (Exception e) {
      err.println("hub-load: " + e);
      return FAILED;
    }
  }

  /** The command line as a command; a {@link UsageException} says what is wrong with it. */
  static Command parse(String[] args) {
    List<String> list = Arrays.asList(args);
    if (list.contains("--help") || list.contains("-h")) {
      return new Help();
    }
    String name = list.isEmpty() || list.get(0).startsWith("-") ? "run" : list.get(0);
    List<String> options =
        list.isEmpty() || list.get(0).startsWith("-") ? list : list.subList(1, list.size());
    try {
      switch (name) {
        case "run":
          return new Run(runOptions(Flags.parse(options, RUN_OPTIONS)));
        case "idle":
          return new Idle(idleOptions(Flags.parse(options, IDLE_OPTIONS)));
        case "listen":
          return new Listen(listenOptions(Flags.parse(options, LISTEN_OPTIONS)));
        case "baseline":
          Flags flags = Flags.parse(options, BASELINE_OPTIONS);
          return new Baseline(
              flags.text("host", "127.0.0.1"),
              flags.integer("port", 8080, 0, 65535),
              flags.integer("event-loops", 1, 1, 1024),
              flags.text("transport", "nio"));
        default:
          throw new UsageException("unknown command '" + name + "': run, baseline, idle or listen");
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static LoadOptions runOptions(Flags flags) {
    LoadOptions defaults = LoadOptions.defaults(flags.urls("urls", DEFAULT_URL));
    return new LoadOptions(
        defaults.urls(),
        flags.integer("subscribers", defaults.subscribers(), 0, 10_000_000),
        flags.text("channel", defaults.channel()),
        flags.choice("target", Target.class, defaults.target()),
        flags.choice("mode", Mode.class, defaults.mode()),
        flags.decimal("events-per-second", defaults.eventsPerSecond()),
        flags.integer("max-in-flight", defaults.maxInFlight(), 1, 1_000_000),
        flags.duration("warmup", defaults.warmup()),
        flags.duration("duration", defaults.duration()),
        flags.integer("payload-bytes", defaults.payloadBytes(), 0, 16 * 1024 * 1024),
        flags.integer("connects-per-second", defaults.connectsPerSecond(), 0, 10_000_000),
        flags.list("source-addresses"),
        flags.duration("loss-timeout", defaults.lossTimeout()),
        flags.pids("server-pids"));
  }

  private static IdleOptions idleOptions(Flags flags) {
    IdleOptions defaults = IdleOptions.defaults(flags.urls("urls", DEFAULT_URL));
    return new IdleOptions(
        defaults.urls(),
        flags.integer("connections", defaults.connections(), 0, 10_000_000),
        flags.choice("target", Target.class, defaults.target()),
        flags.text("subscribe", null),
        flags.integer("connects-per-second", defaults.connectsPerSecond(), 0, 10_000_000),
        flags.list("source-addresses"),
        flags.duration("hold", defaults.hold()),
        flags.pids("server-pids"));
  }

  private static ListenOptions listenOptions(Flags flags) {
    ListenOptions defaults = ListenOptions.defaults(flags.urls("urls", DEFAULT_URL));
    return new ListenOptions(
        defaults.urls(),
        flags.integer("connections", defaults.connections(), 0, 10_000_000),
        flags.text("channel", defaults.channel()),
        flags.integer("connects-per-second", defaults.connectsPerSecond(), 0, 10_000_000),
        flags.list("source-addresses"),
        flags.integer("events", defaults.events(), 1, 256),
        flags.duration("timeout", defaults.timeout()));
  }

  /** Serves until the JVM is told to stop (SIGTERM, Ctrl-C), then closes the server. */
  private static void serveBaseline(Baseline baseline, PrintStream out) throws Exception {
    BaselineServer server = BaselineServer.start(
            baseline.host(), baseline.port(), baseline.eventLoops(), baseline.transport())
        .await(30, TimeUnit.SECONDS);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              try {
                server.close().await(5, TimeUnit.SECONDS);
              } catch (Exception ignored) {
                // exiting anyway
              }
            },
            "baseline-shutdown"));
    out.println("baseline ready port=" + server.port() + " transport=" + server.transport());
    out.flush();
    stopped.await();
  }

  static String usage() {
    return String.join(
        "\n",
        "hub-load: load, baseline and connection-capacity runs against hub nodes",
        "",
        "usage: java -jar hub-load.jar [run|baseline|idle|listen] [--name value ...]",
        "       java -jar hub-load.jar scenario <1|2|3|all|capacity|history> [--help]   the scenarios of docs/benchmarks.md",
        "  results: one JSON line on stdout; a readable summary on stderr. Bad options exit 2.",
        "  durations: 10 (seconds), 10s, 500ms, 2m. Lists: comma-separated.",
        "",
        "run (the default): subscribers over the urls, one publisher on the first url",
        "  --urls URLS                 node urls, subscribers round-robin (default " + DEFAULT_URL
            + ")",
        "  --subscribers N             subscriber connections (default 100)",
        "  --channel NAME              channel subscribed and published to (default load)",
        "  --target hub|baseline       a hub node, or a 'baseline' server (default hub)",
        "  --mode rate|max             fixed rate, or as fast as deliveries allow (default rate)",
        "  --events-per-second R       rate mode: events published per second (default 50)",
        "  --max-in-flight N           max mode: events not yet delivered to all, at most (default 100)",
        "  --warmup D                  publishing before measuring (default 2s)",
        "  --duration D                the measured window (default 10s)",
        "  --payload-bytes N           size of each event's JSON (default 128)",
        "  --connects-per-second N     connection opens started per second, 0 unpaced (default 500)",
        "  --source-addresses ADDRS    local addresses to bind in turn, e.g. 127.0.0.2,127.0.0.3",
        "  --loss-timeout D            when an undelivered event counts as lost; the final drain (default 5s)",
        "  --server-pids PIDS          servers whose CPU time (/proc) to report per delivery",
        "",
        "baseline: a naive Vert.x WebSocket server that writes every message to every socket",
        "  --host HOST                 bind address (default 127.0.0.1)",
        "  --port N                    port, 0 for any free one (default 8080)",
        "  --event-loops N             event loops (default 1)",
        "  --transport nio|epoll       socket transport (default nio, what a minimal Vert.x server gets)",
        "  prints 'baseline ready port=<port> transport=<name>' when listening; stops on SIGTERM",
        "",
        "idle: connection capacity: open idle connections, hold them, measure server memory",
        "  --urls URLS                 node urls, round-robin (default " + DEFAULT_URL + ")",
        "  --connections N             connections to open (default 1000)",
        "  --target hub|baseline       hub connections are ?user=idle-<i> (default hub)",
        "  --subscribe CHANNEL         hub: each connection subscribes to this channel",
        "  --connects-per-second N     opens started per second, 0 unpaced (default 500)",
        "  --source-addresses ADDRS    local addresses to bind in turn",
        "  --hold D                    how long to hold them once open (default 10s)",
        "  --server-pids PIDS          servers to measure: RSS and heap after a full GC (jcmd), before and after",
        "",
        "listen: one process's share of a capacity run (scenario capacity starts them): subscribers that",
        "  wait for broadcasts another process publishes, timed on the machine's monotonic clock",
        "  --urls URLS                 node urls, round-robin (default " + DEFAULT_URL + ")",
        "  --connections N             subscriber connections (default 1000)",
        "  --channel NAME              channel each subscribes to (default capacity)",
        "  --connects-per-second N     opens started per second, 0 unpaced (default 500)",
        "  --source-addresses ADDRS    local addresses to bind in turn",
        "  --events N                  broadcasts each subscriber is to receive, 1 to 256 (default 10)",
        "  --timeout D                 once open, how long to wait for them all (default 5m)",
        "  prints 'listen ready opened=<n> failed=<n>' once its connections are subscribed",
        "",
        "--help                        this text",
        "");
  }
}
