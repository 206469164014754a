package dev.hub.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of processes, from Linux {@code /proc}: this process through the JVM, servers
 * by pid. Reading {@code /proc} is a file read, so never call these on an event loop.
 */
public final class ProcessStats {
  /**
   * Clock ticks per second of {@code /proc/<pid>/stat}'s times: USER_HZ, which Linux fixes at 100 on
   * every mainstream architecture ({@code getconf CLK_TCK} prints it).
   */
  static final long TICKS_PER_SECOND = 100;

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ProcessStats() {}

  /** CPU time of this whole process (every thread, GC included), in nanoseconds. */
  static long ownCpuNanos() {
    return OS.getProcessCpuTime();
  }

  /**
   * CPU time (user plus system) of a process, in microseconds, with the tick's resolution (10 ms).
   *
   * @throws IOException when the process does not exist (or this is not Linux)
   */
  public static long cpuMicros(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name, field 2, is in parentheses and may hold spaces: count fields after it.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks =
        Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14, 15
    return ticks * 1_000_000 / TICKS_PER_SECOND;
  }

  /** Resident memory of a process ({@code VmRSS}), in bytes. */
  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024; // always in kB
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }
}
