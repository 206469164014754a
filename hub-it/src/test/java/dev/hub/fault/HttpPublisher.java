package dev.hub.fault;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes events to history channels over {@code POST /api/publish} (docs/protocol.md section 8)
 * and records how each publish ended: acknowledged with a position, refused with a status and
 * code, or unanswered. Every event carries an id of its own ({@code eid}), so that an ack, a
 * history entry and a delivered event can be matched. Requests are sent on a fixed schedule
 * whatever the answers: a node that hangs does not slow the publishing to the others.
 */
final class HttpPublisher implements AutoCloseable {
  /** Longer than any answer a client may wait for, and far below Hazelcast's 60 s invocation timeout. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How one publish ended. {@code status} is 0 when no answer came ({@code failure} says why);
   * {@code epoch} and {@code offset} are set on a 200.
   */
  record Outcome(
      int node,
      String channel,
      String eid,
      long sentNanos,
      long answeredNanos,
      int status,
      String code,
      String epoch,
      long offset,
      String failure) {
    boolean acked() {
      return status == 200 && epoch != null;
    }

    Duration took() {
      return Duration.ofNanos(answeredNanos - sentNanos);
    }

    @Override
    public String toString() {
      String result = status == 0
          ? "no answer (" + failure + ")"
          : status == 200 ? "acked " + epoch + "/" + offset : status + " " + code;
      return eid + " on node " + (node + 1) + " to " + channel + ": " + result + " in "
          + took().toMillis() + " ms";
    }
  }

  private final Endpoints endpoints;
  private final List<CompletableFuture<Outcome>> sent = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fault-publisher");
        thread.setDaemon(true);
        return thread;
      });
  private final AtomicLong counter = new AtomicLong();

  HttpPublisher(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** Publishes one event, {@code {"type":"entry","eid":...}}, to {@code channel} through node {@code node}. */
  CompletableFuture<Outcome> publish(int node, String channel, String eid) {
    JsonObject body = new JsonObject()
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "entry").put("eid", eid));
    HttpRequest request = HttpRequest.newBuilder(endpoints.get(node).http("/api/publish"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .build();
    long sentAt = System.nanoTime();
    CompletableFuture<Outcome> outcome = Http.CLIENT
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle((response, failure) -> failure != null
            ? new Outcome(
                node, channel, eid, sentAt, System.nanoTime(), 0, null, null, 0, rootCause(failure))
            : answered(node, channel, eid, sentAt, response));
    synchronized (sent) {
      sent.add(outcome);
    }
    return outcome;
  }

  /**
   * From now on, {@code perSecond} events a second through node {@code node}, each to the next of
   * {@code channels} in turn; ids are {@code <prefix>-<n>}.
   */
  void publishSteadily(int node, List<String> channels, int perSecond, String prefix) {
    AtomicLong n = new AtomicLong();
    timer.scheduleAtFixedRate(
        () -> {
          long next = n.incrementAndGet();
          publish(node, channels.get((int) (next % channels.size())), prefix + "-" + next);
        },
        0,
        1_000_000 / perSecond,
        TimeUnit.MICROSECONDS);
  }

  /** Like {@link #publishSteadily} but through each node in turn, for a cluster whose nodes come and go. */
  void publishRoundRobin(List<String> channels, int perSecond, String prefix) {
    timer.scheduleAtFixedRate(
        () -> {
          long next = counter.incrementAndGet();
          publish(
              (int) (next % endpoints.size()),
              channels.get((int) ((next / endpoints.size()) % channels.size())),
              prefix + "-" + next);
        },
        0,
        1_000_000 / perSecond,
        TimeUnit.MICROSECONDS);
  }

  /** Stops the schedule and waits, within the request timeout, for every answer. */
  List<Outcome> stop() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<CompletableFuture<Outcome>> all;
    synchronized (sent) {
      all = List.copyOf(sent);
    }
    // Every request has its own timeout: each future completes, one way or the other, within it.
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, REQUEST_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS)
        .join();
    return outcomes();
  }

  /** Every publish that has ended so far, in the order sent. */
  List<Outcome> outcomes() {
    List<CompletableFuture<Outcome>> all;
    synchronized (sent) {
      all = List.copyOf(sent);
    }
    return all.stream()
        .filter(CompletableFuture::isDone)
        .map(CompletableFuture::join)
        .toList();
  }

  private static Outcome answered(
      int node, String channel, String eid, long sentAt, HttpResponse<String> response) {
    long answeredAt = System.nanoTime();
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (DecodeException | ClassCastException e) {
      body = new JsonObject().put("code", "(not JSON: " + response.body() + ")");
    }
    if (response.statusCode() == 200) {
      return new Outcome(
          node,
          channel,
          eid,
          sentAt,
          answeredAt,
          200,
          null,
          body.getString("epoch"),
          body.getLong("offset", -1L),
          null);
    }
    return new Outcome(
        node,
        channel,
        eid,
        sentAt,
        answeredAt,
        response.statusCode(),
        body.getString("code"),
        null,
        0,
        null);
  }

  private static String rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
