package dev.hub.fault;

import dev.hub.HubProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A cluster of hub JVMs on loopback ({@link HubProcesses}) that a test can kill, stop, pause and
 * restart node by node, with its client ports kept current in {@link #endpoints()} and its
 * children killed at JVM exit if the test could not. Logs in {@code target/process-logs/<test>}.
 */
final class LoopbackCluster implements AutoCloseable {
  private final HubProcesses hubs;
  private final String[] flags;
  private final Endpoints endpoints;
  private final List<HubProcesses.Node> nodes = new ArrayList<>();
  private final AtomicInteger restarts = new AtomicInteger();

  LoopbackCluster(String test, int size) throws Exception {
    this.hubs = Cleanup.atExit(new HubProcesses(test, size, FaultTier.START));
    this.flags = FaultTier.nodeFlags(hubs.logs(), size).toArray(String[]::new);
    this.endpoints = new Endpoints(size);
    IntStream.range(0, size).forEach(i -> nodes.add(null));
  }

  /** Starts every node at once, for the reason {@link NamespacedNodes#startAll()} gives. */
  void startAll() throws Exception {
    start(IntStream.range(0, endpoints.size()).boxed().toList());
  }

  /** Starts (or starts again) these nodes together, a thread each, and waits for all. */
  void start(List<Integer> indices) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(indices.size());
    try {
      List<CompletableFuture<Void>> starting = indices.stream()
          .map(index -> CompletableFuture.runAsync(() -> start(index), threads))
          .toList();
      for (CompletableFuture<Void> node : starting) {
        FaultTier.await(node);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Starts node {@code index}, or starts it again after it ended: the earlier run's log is kept
   * beside the new one.
   */
  void start(int index) {
    HubProcesses.Node before = node(index);
    Path log = hubs.logs().resolve("p" + (index + 1) + ".log");
    try {
      if (before != null) {
        Files.move(
            before.log(),
            hubs.logs().resolve("p" + (index + 1) + ".run" + restarts.incrementAndGet() + ".log"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      HubProcesses.Node started = hubs.start(index, flags);
      synchronized (nodes) {
        nodes.set(index, started);
      }
      endpoints.set(index, new Endpoints.Endpoint("127.0.0.1", started.port()));
    } catch (AssertionError e) {
      throw FaultTier.startFailure(log, e);
    } catch (Exception e) {
      throw new AssertionError("cannot start node " + (index + 1), e);
    }
  }

  HubProcesses.Node node(int index) {
    synchronized (nodes) {
      return nodes.get(index);
    }
  }

  /** SIGSTOP: the process stays, silent, its sockets open; the others hear nothing from it. */
  void pause(int index) {
    Command.signal(node(index).process(), "STOP");
  }

  void resume(int index) {
    Command.signal(node(index).process(), "CONT");
  }

  Endpoints endpoints() {
    return endpoints;
  }

  Path logs() {
    return hubs.logs();
  }

  @Override
  public void close() throws InterruptedException {
    hubs.close();
    Cleanup.closed(hubs);
  }
}
