package dev.hub.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this whole process (every node, Hazelcast and GC thread included), in
 * nanoseconds. All three nodes share the process, so a phase's delta is the cluster's cost.
 */
final class Cpu {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Cpu() {}

  static long processNanos() {
    return OS.getProcessCpuTime();
  }
}
