package dev.hub.load.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the servers and the load generator off each other's CPU with {@code taskset}: on a
 * two-core machine both would otherwise compete for the same cores, and a saturated load
 * generator would read as a slow server. Servers get CPU 0, this process the last CPU.
 * Without {@code taskset} or with one CPU, nothing is pinned and the report says so.
 */
final class CpuPinning {
  private final boolean available;
  private final String serverCpus;
  private final String loadCpus;

  private CpuPinning(boolean available, String serverCpus, String loadCpus) {
    this.available = available;
    this.serverCpus = serverCpus;
    this.loadCpus = loadCpus;
  }

  /** Nothing pinned: servers and load generator share every CPU. */
  static CpuPinning none() {
    return new CpuPinning(false, "", "");
  }

  /** Servers on CPU 0, the load generator on the last CPU, when there are two or more and taskset is here. */
  static CpuPinning detect() {
    int cpus = Runtime.getRuntime().availableProcessors();
    boolean taskset = Files.isExecutable(Path.of("/usr/bin/taskset"))
        || Files.isExecutable(Path.of("/bin/taskset"));
    if (!taskset || cpus < 2) {
      return new CpuPinning(false, "", "");
    }
    return new CpuPinning(true, "0", String.valueOf(cpus - 1));
  }

  boolean pinned() {
    return available;
  }

  String serverCpus() {
    return serverCpus;
  }

  String loadCpus() {
    return loadCpus;
  }

  /** The server command, under {@code taskset -c <server cpus>} when pinning. */
  List<String> server(List<String> command) {
    List<String> pinned = new ArrayList<>();
    if (available) {
      pinned.addAll(List.of("taskset", "-c", serverCpus));
    }
    pinned.addAll(command);
    return pinned;
  }

  /**
   * Moves every thread of this JVM to the load generator's CPU. Threads started later inherit
   * the mask of the thread that starts them, so call it before the load generator starts any.
   */
  void pinThisProcess() throws IOException, InterruptedException {
    if (!available) {
      return;
    }
    Process taskset = new ProcessBuilder(
            "taskset",
            "-a",
            "-p",
            "-c",
            loadCpus,
            String.valueOf(ProcessHandle.current().pid()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
      throw new IOException("taskset could not pin the load generator to CPU " + loadCpus);
    }
  }

  /** For the report: where each side ran. */
  String describe() {
    return available
        ? "servers on CPU " + serverCpus + ", load generator on CPU " + loadCpus
        : "not pinned: servers and load generator share the CPUs";
  }
}
