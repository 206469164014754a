package dev.hub.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last line of cleanup: whatever a test registers here (its hub processes, its network
 * namespaces) is closed by a JVM shutdown hook if the test did not close it itself, so that a
 * failsafe JVM ended by Ctrl-C or a timeout leaves no hub child running and no namespace behind.
 * A JVM killed outright runs no hook; {@link TestNetwork#removeLeftovers()} handles that case at
 * the next start.
 */
final class Cleanup {
  private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "fault-tier-cleanup"));
  }

  private Cleanup() {}

  /** Closes {@code resource} at JVM exit unless {@link #closed} says it was closed before. */
  static <T extends AutoCloseable> T atExit(T resource) {
    OPEN.add(resource);
    return resource;
  }

  static void closed(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    // Processes before networks: a namespace's devices go only once nothing runs in it.
    List<AutoCloseable> all = new ArrayList<>(OPEN);
    all.sort((a, b) -> Boolean.compare(a instanceof TestNetwork, b instanceof TestNetwork));
    for (AutoCloseable resource : all) {
      try {
        resource.close();
      } catch (Exception e) {
        // Nothing can be reported from a shutdown hook; the next run removes what is left.
      }
    }
  }
}
