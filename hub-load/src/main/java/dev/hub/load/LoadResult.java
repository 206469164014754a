package dev.hub.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a load run measured. Rates, latencies and CPU cover the measured window (after the warmup);
 * counts and losses cover the whole run, warmup included, after a drain of {@code lossTimeout}.
 *
 * @param subscribers subscribers asked for
 * @param subscribed subscribers ready (connected, and subscribed on a hub) when publishing began;
 *     every event is expected at each of them
 * @param localSubscribers subscribers on the publisher's node (HUB: by the node named in
 *     {@code connected}; BASELINE: on the publisher's url)
 * @param eventsPerSecond events published in the window per second of it
 * @param deliveriesPerSecond distinct deliveries received in the window per second of it
 * @param published events sent
 * @param acked acks from the hub (0 for BASELINE)
 * @param refused events the hub answered with an error (rate_limited, ...); nobody gets them
 * @param expected published times subscribed
 * @param delivered distinct deliveries (duplicates not counted)
 * @param lost expected minus delivered
 * @param duplicates deliveries of an event a subscriber already had
 * @param outOfOrder deliveries of an event older than one the subscriber already had
 * @param timedOutEvents MAX mode: events given up on after {@code lossTimeout}
 * @param inFlightPeak MAX mode: the most events in flight at once (never above maxInFlight)
 * @param subscribersClosed subscribers whose connection closed during the run
 * @param publisherCloseCode the close code if the publisher's connection closed during the run
 * @param ack HUB: time from an event's send time to its ack
 * @param refusals the first distinct refusal reasons, with counts
 */
public record LoadResult(
    Target target,
    Mode mode,
    int urls,
    int subscribers,
    int subscribed,
    int localSubscribers,
    int remoteSubscribers,
    double eventsPerSecondTarget,
    double eventsPerSecond,
    double deliveriesPerSecond,
    double measuredSeconds,
    long published,
    long acked,
    long refused,
    long expected,
    long delivered,
    long lost,
    long duplicates,
    long outOfOrder,
    long timedOutEvents,
    int maxInFlight,
    int inFlightPeak,
    int subscribersClosed,
    Integer publisherCloseCode,
    Latency local,
    Latency remote,
    Latency all,
    Latency ack,
    ConnectStats connect,
    CpuStats cpu,
    Map<String, Integer> refusals) {

  /**
   * The subscribers' connection storm (on a hub, each open includes its subscribe).
   *
   * @param reasons the first distinct failure reasons, with counts
   */
  public record ConnectStats(
      double seconds,
      double perSecond,
      int failed,
      int notAttempted,
      Map<String, Integer> reasons) {
    JsonObject toJson() {
      return new JsonObject()
          .put("seconds", seconds)
          .put("perSecond", perSecond)
          .put("failed", failed)
          .put("notAttempted", notAttempted)
          .put("reasons", counts(reasons));
    }
  }

  /**
   * CPU time over the measured window. Server figures are null when no pid was given (or none could
   * be read); per-delivery figures divide by the window's deliveries.
   */
  public record CpuStats(
      double loadSeconds,
      Double serverSeconds,
      Double serverMicrosPerDelivery,
      double loadMicrosPerDelivery,
      List<ServerCpu> servers) {
    JsonObject toJson() {
      JsonArray each = new JsonArray();
      servers.forEach(server -> each.add(server.toJson()));
      return new JsonObject()
          .put("loadSeconds", loadSeconds)
          .put("serverSeconds", serverSeconds)
          .put("serverMicrosPerDelivery", serverMicrosPerDelivery)
          .put("loadMicrosPerDelivery", loadMicrosPerDelivery)
          .put("servers", each);
    }
  }

  /** One server's CPU seconds in the window; {@code error} says why it is null. */
  public record ServerCpu(long pid, Double seconds, String error) {
    JsonObject toJson() {
      return new JsonObject().put("pid", pid).put("seconds", seconds).put("error", error);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("target", target.name())
        .put("mode", mode.name())
        .put("urls", urls)
        .put("subscribers", subscribers)
        .put("subscribed", subscribed)
        .put("localSubscribers", localSubscribers)
        .put("remoteSubscribers", remoteSubscribers)
        .put("eventsPerSecondTarget", eventsPerSecondTarget)
        .put("eventsPerSecond", eventsPerSecond)
        .put("deliveriesPerSecond", deliveriesPerSecond)
        .put("measuredSeconds", measuredSeconds)
        .put("published", published)
        .put("acked", acked)
        .put("refused", refused)
        .put("expected", expected)
        .put("delivered", delivered)
        .put("lost", lost)
        .put("duplicates", duplicates)
        .put("outOfOrder", outOfOrder)
        .put("timedOutEvents", timedOutEvents)
        .put("maxInFlight", maxInFlight)
        .put("inFlightPeak", inFlightPeak)
        .put("subscribersClosed", subscribersClosed)
        .put("publisherCloseCode", publisherCloseCode)
        .put("latencyUnit", "ms")
        .put(
            "latency",
            new JsonObject()
                .put("local", local.toJson())
                .put("remote", remote.toJson())
                .put("all", all.toJson())
                .put("ack", ack.toJson()))
        .put("connect", connect.toJson())
        .put("cpu", cpu.toJson())
        .put("refusals", counts(refusals));
  }

  public String summary() {
    StringBuilder text = new StringBuilder();
    line(
        text,
        "%s %s: %d url(s), %d of %d subscribers ready (%d local, %d remote)",
        target,
        mode,
        urls,
        subscribed,
        subscribers,
        localSubscribers,
        remoteSubscribers);
    line(
        text,
        "connect: %.2f s, %.0f/s, %d failed%s",
        connect.seconds(),
        connect.perSecond(),
        connect.failed(),
        connect.reasons().isEmpty() ? "" : " " + connect.reasons());
    line(
        text,
        "window: %.2f s, %.1f events/s (target %s), %.0f deliveries/s",
        measuredSeconds,
        eventsPerSecond,
        mode == Mode.RATE ? String.format(Locale.ROOT, "%.1f", eventsPerSecondTarget) : "max",
        deliveriesPerSecond);
    line(
        text,
        "published %d, acked %d, refused %d; delivered %d of %d, lost %d, duplicates %d, out of order %d",
        published,
        acked,
        refused,
        delivered,
        expected,
        lost,
        duplicates,
        outOfOrder);
    if (mode == Mode.MAX) {
      line(
          text,
          "in flight: peak %d of %d, %d events timed out",
          inFlightPeak,
          maxInFlight,
          timedOutEvents);
    }
    if (subscribersClosed > 0 || publisherCloseCode != null) {
      line(
          text,
          "closed during the run: %d subscribers, publisher %s",
          subscribersClosed,
          publisherCloseCode == null ? "open" : "closed " + publisherCloseCode);
    }
    if (!refusals.isEmpty()) {
      line(text, "refusals: %s", refusals);
    }
    line(text, "latency local:  %s", local.line());
    line(text, "latency remote: %s", remote.line());
    line(text, "latency all:    %s", all.line());
    if (target == Target.HUB) {
      line(text, "ack latency:    %s", ack.line());
    }
    line(
        text,
        "cpu: load generator %.2f s (%.2f us/delivery), servers %s",
        cpu.loadSeconds(),
        cpu.loadMicrosPerDelivery(),
        cpu.serverSeconds() == null
            ? "not measured"
            : String.format(
                Locale.ROOT,
                "%.2f s (%.2f us/delivery)",
                cpu.serverSeconds(),
                cpu.serverMicrosPerDelivery()));
    return text.toString();
  }

  static JsonObject counts(Map<String, Integer> counts) {
    JsonObject json = new JsonObject();
    counts.forEach(json::put);
    return json;
  }

  private static void line(StringBuilder text, String format, Object... values) {
    text.append(String.format(Locale.ROOT, format, values)).append('\n');
  }
}
