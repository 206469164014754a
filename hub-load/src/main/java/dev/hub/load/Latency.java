package dev.hub.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in milliseconds. Recorded in microseconds, so a figure is
 * good to a microsecond, three significant digits.
 */
public record Latency(long count, double p50, double p90, double p99, double p999, double max) {
  static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0);

  /** @param micros a histogram of microseconds */
  public static Latency of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return NONE;
    }
    return new Latency(
        micros.getTotalCount(),
        millis(micros.getValueAtPercentile(50)),
        millis(micros.getValueAtPercentile(90)),
        millis(micros.getValueAtPercentile(99)),
        millis(micros.getValueAtPercentile(99.9)),
        millis(micros.getMaxValue()));
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("count", count)
        .put("p50", p50)
        .put("p90", p90)
        .put("p99", p99)
        .put("p999", p999)
        .put("max", max);
  }

  /** One line: {@code n=1000 p50=0.412 p90=... max=... ms}. */
  public String line() {
    if (count == 0) {
      return "none";
    }
    return String.format(
        java.util.Locale.ROOT,
        "n=%d p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f ms",
        count,
        p50,
        p90,
        p99,
        p999,
        max);
  }
}
