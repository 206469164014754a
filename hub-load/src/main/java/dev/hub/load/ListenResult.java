package dev.hub.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one listener process saw: its connections, and for each broadcast how many of them got it
 * and how long after its publish the last one did. The latency histogram travels encoded, so that
 * the processes of a run merge into one.
 *
 * @param eventDeliveries for each event in publish order, the subscribers that received it
 * @param eventSlowestNanos for each event, publish to its last delivery here, in nanoseconds
 * @param latency every delivery's publish-to-receive time, in microseconds
 */
public record ListenResult(
    int connections,
    int opened,
    int failed,
    int notAttempted,
    Map<String, Integer> reasons,
    double connectSeconds,
    int closed,
    long delivered,
    long duplicates,
    long outOfOrder,
    List<Integer> eventDeliveries,
    List<Long> eventSlowestNanos,
    Histogram latency) {

  public JsonObject toJson() {
    ByteBuffer encoded = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
    int length = latency.encodeIntoCompressedByteBuffer(encoded);
    return new JsonObject()
        .put("connections", connections)
        .put("opened", opened)
        .put("failed", failed)
        .put("notAttempted", notAttempted)
        .put("reasons", LoadResult.counts(reasons))
        .put("connectSeconds", connectSeconds)
        .put("closed", closed)
        .put("delivered", delivered)
        .put("duplicates", duplicates)
        .put("outOfOrder", outOfOrder)
        .put("eventDeliveries", new JsonArray(List.copyOf(eventDeliveries)))
        .put("eventSlowestNanos", new JsonArray(List.copyOf(eventSlowestNanos)))
        .put("latency", Latency.of(latency).toJson())
        .put(
            "histogram",
            Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(encoded.array(), length)));
  }

  /** The latency histogram of a result's JSON. */
  public static Histogram histogram(JsonObject json) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(json.getString("histogram"))), 0);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram", e);
    }
  }

  public String summary() {
    StringBuilder text = new StringBuilder(String.format(
        Locale.ROOT,
        "listen: opened %d of %d in %.1f s, %d closed while waiting%n",
        opened,
        connections,
        connectSeconds,
        closed));
    if (failed > 0 || notAttempted > 0) {
      text.append(String.format(
          Locale.ROOT, "failed %d, not attempted %d: %s%n", failed, notAttempted, reasons));
    }
    for (int i = 0; i < eventDeliveries.size(); i++) {
      text.append(String.format(
          Locale.ROOT,
          "event %d: %d deliveries, last %.1f ms after publish%n",
          i,
          eventDeliveries.get(i),
          eventSlowestNanos.get(i) / 1e6));
    }
    return text.append("latency ")
        .append(Latency.of(latency).line())
        .append('\n')
        .toString();
  }
}
