package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * Hub JVMs started from the built jar, as a user runs them, for the {@code *ProcessIT} tests: one
 * cluster of {@code size} nodes on free ports with a unique name, each child's output copied to
 * {@code target/process-logs/<test>/<node>.log}. {@link #close()} kills whatever is still running.
 * Public for the fault tier ({@code dev.hub.fault}), which runs its loopback clusters with it.
 */
public final class HubProcesses implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile("hub ready node=(\\S+) port=(\\d+) cluster=(\\S+) members=(\\d+)");

  private final Duration wait;
  private final Path logs;
  private final String cluster;
  private final List<Integer> clusterPorts;
  /** Every child started, ready or not, so that {@link #close()} misses none. */
  private final List<Process> processes = new ArrayList<>();

  /** A started node: its id, the port clients connect to, and the cluster size its ready line reported. */
  public record Node(String id, Process process, int port, int members, Path log) {

    /** SIGKILL on Linux: no drain, no goodbye to the cluster. */
    public void kill() {
      process.destroyForcibly();
    }

    /** SIGTERM: the hub's shutdown hook drains its clients and leaves the cluster. */
    public void stop() {
      process.destroy();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * @param test names the log directory
   * @param size how many nodes the cluster will have; each gets a free cluster port, and every
   *     node is told the full member list
   * @param wait how long a node may take to print its ready line
   */
  public HubProcesses(String test, int size, Duration wait) throws IOException {
    this.wait = wait;
    this.logs = Files.createDirectories(Path.of("target", "process-logs", test));
    this.cluster = "hub-proc-" + UUID.randomUUID().toString().substring(0, 8);
    this.clusterPorts = FreePorts.of(size);
  }

  /**
   * Starts node {@code index} (id {@code p<index+1>}) in open mode on a free port and waits for its
   * ready line.
   *
   * @param flags further flags, e.g. {@code --config <file>}
   */
  public Node start(int index, String... flags) throws Exception {
    String id = "p" + (index + 1);
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    assertThat(jar).as("the fat jar (mvn package builds it)").exists();
    List<String> command = new ArrayList<>(List.of(
        javaBin(),
        "-Xmx256m",
        "-jar",
        jar.toString(),
        "--open",
        "--port",
        "0",
        "--node-id",
        id,
        "--cluster-name",
        cluster,
        "--cluster-port",
        String.valueOf(clusterPorts.get(index)),
        "--members",
        members()));
    command.addAll(List.of(flags));
    Path log = logs.resolve(id + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    synchronized (processes) {
      processes.add(process);
    }
    Matcher line = awaitReady(process, log, wait);
    return new Node(
        id, process, Integer.parseInt(line.group(2)), Integer.parseInt(line.group(4)), log);
  }

  /**
   * Starts every node: the first alone, so that it is the member the others join (two started at
   * the same instant could form two clusters and merge later), then the rest together.
   */
  public List<Node> startAll(String... flags) throws Exception {
    List<Node> started = new ArrayList<>(List.of(start(0, flags)));
    List<CompletableFuture<Node>> rest = new ArrayList<>();
    for (int i = 1; i < clusterPorts.size(); i++) {
      int index = i;
      rest.add(CompletableFuture.supplyAsync(() -> {
        try {
          return start(index, flags);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<Node> node : rest) {
      started.add(node.get(wait.toMillis() * 2, TimeUnit.MILLISECONDS));
    }
    return started;
  }

  /**
   * The index of the node that owns the partition of {@code partitionKey} now, asked of the
   * cluster through a short-lived Hazelcast client (an observer: it holds no data).
   */
  public int ownerOf(String partitionKey) {
    ClientConfig config =
        new ClientConfig().setClusterName(cluster).setProperty("hazelcast.logging.type", "slf4j");
    config
        .getNetworkConfig()
        .setAddresses(clusterPorts.stream().map(port -> "127.0.0.1:" + port).toList());
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(wait.toMillis());
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    try {
      Member owner = client.getPartitionService().getPartition(partitionKey).getOwner();
      int index = clusterPorts.indexOf(owner.getAddress().getPort());
      assertThat(index)
          .as("the owner %s of %s is one of the nodes on %s", owner, partitionKey, clusterPorts)
          .isNotNegative();
      return index;
    } finally {
      client.shutdown();
    }
  }

  /** The Hazelcast port node {@code index} is told to listen on. */
  int clusterPort(int index) {
    return clusterPorts.get(index);
  }

  /** The log directory, for failure messages. */
  public Path logs() {
    return logs.toAbsolutePath();
  }

  /** The cluster's name, unique to this instance. */
  String clusterName() {
    return cluster;
  }

  /** Every member address the nodes are told to join, {@code 127.0.0.1:<port>,...}. */
  String members() {
    return clusterPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /**
   * Copies a hub child's output to {@code log} on a thread of its own and waits for its ready line;
   * kills the child when none comes in time.
   *
   * @return the ready line, matched: group 2 is the port, group 4 the members
   */
  public static Matcher awaitReady(Process process, Path log, Duration wait) {
    CompletableFuture<Matcher> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(() -> copyOutput(process, log, ready), "output-" + log.getFileName());
    reader.setDaemon(true);
    reader.start();
    try {
      return ready.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("the node printed no ready line; see " + log.toAbsolutePath(), e);
    }
  }

  /** Copies the child's output to its log file and completes with its ready line. */
  private static void copyOutput(Process process, Path log, CompletableFuture<Matcher> ready) {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var out = Files.newBufferedWriter(log)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher matcher = READY.matcher(line);
        if (matcher.find()) {
          ready.complete(matcher);
        }
      }
      ready.completeExceptionally(new IllegalStateException("the process ended"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  public static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Kills every child still running and waits for it to end. */
  @Override
  public void close() throws InterruptedException {
    List<Process> all;
    synchronized (processes) {
      all = List.copyOf(processes);
    }
    all.forEach(Process::destroyForcibly);
    for (Process process : all) {
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
