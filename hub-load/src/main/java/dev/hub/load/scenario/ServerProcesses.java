package dev.hub.load.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The server side of a scenario, as child processes: a hub cluster started from the hub's jar
 * exactly as a user runs it, or the baseline server. Each child's output goes to a log file in
 * the output directory; {@link #close()} stops them all (SIGTERM, then SIGKILL), and so does a
 * shutdown hook if this process is interrupted.
 */
final class ServerProcesses implements AutoCloseable {
  private static final Pattern HUB_READY =
      Pattern.compile("hub ready node=(\\S+) port=(\\d+) cluster=(\\S+) members=(\\d+)");
  private static final Pattern BASELINE_READY =
      Pattern.compile("baseline ready port=(\\d+) transport=(\\S+)");
  /** The hub's start line, logged just before its ready line, names its socket transport. */
  private static final Pattern HUB_TRANSPORT = Pattern.compile("serving on \\S+ over (\\S+) ");

  private static final Pattern LISTEN_READY =
      Pattern.compile("listen ready opened=(\\d+) failed=(\\d+)");
  private static final Duration READY_WAIT = Duration.ofSeconds(90);

  /**
   * A running server: what the load generator connects to and whose CPU time it reads.
   *
   * @param transport the socket transport it said it runs on (epoll, nio), "unknown" if it did not
   */
  record Server(String name, Process process, URI url, String transport) {
    long pid() {
      return process.pid();
    }
  }

  private final CpuPinning pinning;
  private final Path logs;
  private final List<Server> servers = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop-servers");

  ServerProcesses(CpuPinning pinning, Path logs) throws IOException {
    this.pinning = pinning;
    this.logs = Files.createDirectories(logs);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts a hub cluster of {@code size} nodes on free ports, one after the other so that each
   * joins the first, and waits until the last reports every member.
   *
   * @param heap the {@code -Xmx} of each node
   * @param config the node configuration file (limits raised for a load test)
   */
  List<Server> startHubs(Path hubJar, int size, String heap, Path config) throws IOException {
    String cluster = "hub-load-" + UUID.randomUUID().toString().substring(0, 8);
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      clusterPorts.add(freePort());
    }
    String members =
        clusterPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    List<Server> started = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String id = "n" + (i + 1);
      List<String> command = List.of(
          java(),
          "-Xms" + heap,
          "-Xmx" + heap,
          "-jar",
          hubJar.toString(),
          "--open",
          "--port",
          "0",
          "--node-id",
          id,
          "--cluster-name",
          cluster,
          "--cluster-port",
          String.valueOf(clusterPorts.get(i)),
          "--members",
          members,
          "--config",
          config.toString());
      Started node = start(id, command, HUB_READY);
      if (i == size - 1 && Integer.parseInt(node.ready().group(4)) != size) {
        throw new IllegalStateException(
            id + " saw " + node.ready().group(4) + " members, expected " + size);
      }
      started.add(node.server(2, hubTransport(id)));
    }
    return started;
  }

  /**
   * Starts the baseline server, found on {@code classPath}, on a free port.
   *
   * @param transport its socket transport: nio (what a minimal Vert.x server gets) or epoll
   */
  Server startBaseline(String classPath, String heap, String transport) throws IOException {
    Started baseline = start(
        "baseline",
        List.of(
            java(),
            "-Xms" + heap,
            "-Xmx" + heap,
            "-cp",
            classPath,
            "dev.hub.load.LoadMain",
            "baseline",
            "--port",
            "0",
            "--transport",
            transport),
        BASELINE_READY);
    return baseline.server(1, baseline.ready().group(2));
  }

  /** The transport hub node {@code name} logged at start. */
  private String hubTransport(String name) throws IOException {
    Matcher line = HUB_TRANSPORT.matcher(Files.readString(log(name)));
    return line.find() ? line.group(1) : "unknown";
  }

  /**
   * Starts a {@code listen} process of a capacity run, found on {@code classPath}, not pinned as a
   * server: it inherits this process's CPUs. Returns once its connections are open.
   *
   * @param readyWait how long its connections may take to open
   */
  Server startListener(
      String name, String classPath, String heap, List<String> arguments, Duration readyWait)
      throws IOException {
    List<String> command = new ArrayList<>(
        List.of(java(), "-Xmx" + heap, "-cp", classPath, "dev.hub.load.LoadMain", "listen"));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new Started(name, process, awaitReady(name, process, LISTEN_READY, readyWait))
        .server(-1, "unknown");
  }

  /** The output of the child called {@code name} so far. */
  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  /** A child that printed its ready line; the line's {@code portGroup} is the port it serves. */
  private record Started(String name, Process process, Matcher ready) {
    /** @param portGroup the ready line's group holding the port; -1 when the child serves none */
    Server server(int portGroup, String transport) {
      return new Server(
          name,
          process,
          portGroup < 0 ? null : URI.create("ws://127.0.0.1:" + ready.group(portGroup) + "/ws"),
          transport);
    }
  }

  private Started start(String name, List<String> command, Pattern readyLine) throws IOException {
    Process process =
        new ProcessBuilder(pinning.server(command)).redirectErrorStream(true).start();
    return new Started(name, process, awaitReady(name, process, readyLine, READY_WAIT));
  }

  private Matcher awaitReady(String name, Process process, Pattern readyLine, Duration wait)
      throws IOException {
    Path log = log(name);
    // Tracked before it is ready, so that a failed start is stopped too.
    servers.add(new Server(name, process, null, "unknown"));
    CompletableFuture<Matcher> ready = new CompletableFuture<>();
    Thread copier = new Thread(() -> copy(process, log, readyLine, ready), "log-" + name);
    copier.setDaemon(true);
    copier.start();
    try {
      return ready.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException(
          name + " printed no ready line within " + wait + "; see " + log.toAbsolutePath(), e);
    }
  }

  private static void copy(
      Process process, Path log, Pattern readyLine, CompletableFuture<Matcher> ready) {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        Matcher matcher = readyLine.matcher(line);
        if (!ready.isDone() && matcher.find()) {
          ready.complete(matcher);
        }
      }
      ready.completeExceptionally(new IOException("exited with " + process.waitFor()));
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ready.completeExceptionally(e);
    }
  }

  /** Stops every server this object started. */
  void stopAll() {
    for (Server server : servers) {
      server.process().destroy();
    }
    for (Server server : servers) {
      try {
        if (!server.process().waitFor(20, TimeUnit.SECONDS)) {
          server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        server.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    servers.clear();
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run: it stops the servers itself.
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
