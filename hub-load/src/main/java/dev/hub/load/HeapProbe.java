package dev.hub.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java server's heap in use after a full collection, through {@code jcmd}: {@code GC.run}, then
 * {@code GC.heap_info}. Live data is what connections cost; heap used at a random moment is mostly
 * garbage waiting for the next collection. Blocks for the collection: never on an event loop.
 */
final class HeapProbe {
  private static final long TIMEOUT_SECONDS = 60;
  // "garbage-first heap total 262144K, used 19283K [...]" (G1), "def new generation total ..., used
  // 8394K" (Serial), "ZHeap used 12M, capacity ..." (Z): the heap's lines come before Metaspace.
  private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])");

  private HeapProbe() {}

  static long usedAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    return parseUsed(jcmd(pid, "GC.heap_info"));
  }

  /** Sums {@code used} of the heap's lines (all of them before {@code Metaspace}), in bytes. */
  static long parseUsed(String heapInfo) throws IOException {
    long bytes = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      if (line.trim().startsWith("Metaspace") || line.trim().startsWith("class space")) {
        break;
      }
      Matcher used = USED.matcher(line);
      if (used.find()) {
        long unit = switch (used.group(2)) {
          case "K" -> 1024L;
          case "M" -> 1024L * 1024;
          default -> 1024L * 1024 * 1024;
        };
        bytes += Long.parseLong(used.group(1)) * unit;
        found = true;
      }
    }
    if (!found) {
      throw new IOException("no heap figure in jcmd's answer: " + heapInfo.strip());
    }
    return bytes;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    // Output to a file, not a pipe: reading a pipe would block past the timeout if jcmd hangs.
    Path output = Files.createTempFile("hub-load-jcmd", ".txt");
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            "jcmd " + pid + " " + command + " took over " + TIMEOUT_SECONDS + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("jcmd " + pid + " " + command + " failed: " + text.strip());
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
