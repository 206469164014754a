package dev.hub.load;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters read at one edge of the measured window: the time, deliveries so far, this process's CPU
 * and each server's. A server whose CPU cannot be read gets an error instead of a figure.
 */
record WindowSample(
    long nanos,
    long delivered,
    long ownCpuNanos,
    Map<Long, Long> serverMicros,
    Map<Long, String> serverErrors) {

  static WindowSample take(Timeline timeline, long delivered, List<Long> pids) {
    long now = timeline.now();
    long own = ProcessStats.ownCpuNanos();
    Map<Long, Long> micros = new LinkedHashMap<>();
    Map<Long, String> errors = new LinkedHashMap<>();
    for (long pid : pids) {
      try {
        micros.put(pid, ProcessStats.cpuMicros(pid));
      } catch (IOException | RuntimeException e) {
        errors.put(pid, "cannot read /proc/" + pid + "/stat: " + e);
      }
    }
    return new WindowSample(
        now,
        delivered,
        own,
        Collections.unmodifiableMap(micros),
        Collections.unmodifiableMap(errors));
  }
}
