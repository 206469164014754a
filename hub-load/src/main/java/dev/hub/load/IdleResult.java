package dev.hub.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a connection-capacity run found.
 *
 * @param opened connections that got ready
 * @param failed connections attempted that failed
 * @param notAttempted connections never attempted, after too many failures in a row
 * @param reasons the first distinct failure reasons, with counts
 * @param seconds from the first open started to the last attempt ended
 * @param closedDuringHold connections the server closed while they were held
 * @param heapBytesPerConnection heap growth (after a full GC) summed over the servers, per opened
 *     connection; null when not measured
 * @param rssBytesPerConnection RSS growth summed over the servers, per opened connection; null when not
 *     measured
 */
public record IdleResult(
    Target target,
    int urls,
    int connections,
    int opened,
    int failed,
    int notAttempted,
    Map<String, Integer> reasons,
    double seconds,
    double connectsPerSecond,
    int closedDuringHold,
    double holdSeconds,
    List<ServerMemory> servers,
    Double heapBytesPerConnection,
    Double rssBytesPerConnection) {

  public JsonObject toJson() {
    JsonArray memory = new JsonArray();
    servers.forEach(server -> memory.add(server.toJson()));
    return new JsonObject()
        .put("target", target.name())
        .put("urls", urls)
        .put("connections", connections)
        .put("opened", opened)
        .put("failed", failed)
        .put("notAttempted", notAttempted)
        .put("reasons", LoadResult.counts(reasons))
        .put("seconds", seconds)
        .put("connectsPerSecond", connectsPerSecond)
        .put("closedDuringHold", closedDuringHold)
        .put("holdSeconds", holdSeconds)
        .put("servers", memory)
        .put("heapBytesPerConnection", heapBytesPerConnection)
        .put("rssBytesPerConnection", rssBytesPerConnection);
  }

  public String summary() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(
        Locale.ROOT,
        "%s: opened %d of %d connections over %d url(s) in %.2f s (%.0f/s)%n",
        target,
        opened,
        connections,
        urls,
        seconds,
        connectsPerSecond));
    if (failed > 0 || notAttempted > 0) {
      text.append(String.format(
          Locale.ROOT, "failed %d, not attempted %d: %s%n", failed, notAttempted, reasons));
    }
    text.append(String.format(
        Locale.ROOT, "held %.0f s: %d closed by the server%n", holdSeconds, closedDuringHold));
    for (ServerMemory server : servers) {
      text.append(String.format(
          Locale.ROOT,
          "server %d: rss %s -> %s, heap after GC %s -> %s%s%n",
          server.pid(),
          mib(server.rssBefore()),
          mib(server.rssAfter()),
          mib(server.heapBefore()),
          mib(server.heapAfter()),
          server.error() == null ? "" : " (" + server.error() + ")"));
    }
    if (heapBytesPerConnection != null || rssBytesPerConnection != null) {
      text.append(String.format(
          Locale.ROOT,
          "per connection: heap %s, rss %s%n",
          bytes(heapBytesPerConnection),
          bytes(rssBytesPerConnection)));
    }
    return text.toString();
  }

  private static String mib(Long bytes) {
    return bytes == null ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String bytes(Double bytes) {
    return bytes == null ? "?" : String.format(Locale.ROOT, "%.0f bytes", bytes);
  }
}
