package dev.hub.load.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's open-file limit, which its children inherit: it bounds the connections one node can hold. */
final class OpenFiles {
  private OpenFiles() {}

  /** The soft limit from /proc/self/limits, or {@link Long#MAX_VALUE} when unlimited or unknown. */
  static long limit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: no bound known
    }
    return Long.MAX_VALUE;
  }
}
