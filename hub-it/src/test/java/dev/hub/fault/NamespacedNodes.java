package dev.hub.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.HubProcesses;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hub JVMs, one per namespace of a {@link TestNetwork}, started from the built jar as an operator
 * would on separate hosts: open mode on the client address ({@code --insecure}, since it is not
 * loopback), the cluster member on the cluster address, every node told every member. Output goes
 * to {@code <logs>/n<i>.log}. {@link #close()} kills whatever is still running.
 */
final class NamespacedNodes implements AutoCloseable {
  /** Each namespace has ports of its own: every member can use Hazelcast's usual port. */
  private static final int CLUSTER_PORT = 5701;

  private final TestNetwork network;
  private final int size;
  private final Path logs;
  private final List<String> flags;
  private final String cluster = "hub-fault-" + UUID.randomUUID().toString().substring(0, 8);
  private final Endpoints endpoints;
  private final List<Process> processes = new ArrayList<>();

  /**
   * @param flags further flags for every node ({@link FaultTier#nodeFlags})
   */
  NamespacedNodes(TestNetwork network, int size, Path logs, List<String> flags) {
    this.network = network;
    this.size = size;
    this.logs = logs;
    this.flags = flags;
    this.endpoints = new Endpoints(size);
    Cleanup.atExit(this);
  }

  /**
   * Starts every node at once. Not the first alone, as {@code HubProcesses} does: with
   * {@code --cluster-size} a node alone has no majority and need not call itself ready. Nodes
   * started together may form two clusters for a moment; hub-fault.xml merges them within seconds,
   * and the tests wait until every node sees every member.
   */
  List<HubProcesses.Node> startAll() throws Exception {
    // A thread per node: the common pool may have one thread on a small machine, which would
    // start the nodes one after another.
    ExecutorService threads = Executors.newFixedThreadPool(size);
    try {
      List<CompletableFuture<HubProcesses.Node>> starting = IntStream.range(0, size)
          .mapToObj(index -> CompletableFuture.supplyAsync(() -> start(index), threads))
          .toList();
      List<HubProcesses.Node> started = new ArrayList<>();
      for (CompletableFuture<HubProcesses.Node> node : starting) {
        started.add(FaultTier.await(node));
      }
      return started;
    } finally {
      threads.shutdownNow();
    }
  }

  /** Starts node {@code index} (id {@code n<index+1>}) in its namespace and waits for its ready line. */
  HubProcesses.Node start(int index) {
    String id = "n" + (index + 1);
    Path jar = Path.of(System.getProperty("hub.jar", "../hub/target/hub.jar"));
    assertThat(jar).as("the fat jar (mvn package builds it)").exists();
    List<String> command = new ArrayList<>(network.exec(index));
    command.addAll(List.of(
        HubProcesses.javaBin(),
        "-Xmx256m",
        "-jar",
        jar.toAbsolutePath().toString(),
        "--open",
        "--insecure",
        "--host",
        network.clientAddress(index),
        "--port",
        "0",
        "--node-id",
        id,
        "--cluster-name",
        cluster,
        "--cluster-host",
        network.clusterAddress(index),
        "--cluster-port",
        String.valueOf(CLUSTER_PORT),
        "--members",
        members()));
    command.addAll(flags);
    Path log = logs.resolve(id + ".log");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (Exception e) {
      throw new AssertionError("cannot start " + command, e);
    }
    synchronized (processes) {
      processes.add(process);
    }
    Matcher ready;
    try {
      ready = HubProcesses.awaitReady(process, log, FaultTier.START);
    } catch (AssertionError e) {
      throw FaultTier.startFailure(log, e);
    }
    int port = Integer.parseInt(ready.group(2));
    endpoints.set(index, new Endpoints.Endpoint(network.clientAddress(index), port));
    return new HubProcesses.Node(id, process, port, Integer.parseInt(ready.group(4)), log);
  }

  Endpoints endpoints() {
    return endpoints;
  }

  private String members() {
    return IntStream.range(0, size)
        .mapToObj(i -> network.clusterAddress(i) + ":" + CLUSTER_PORT)
        .collect(Collectors.joining(","));
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
    Cleanup.closed(this);
  }
}
