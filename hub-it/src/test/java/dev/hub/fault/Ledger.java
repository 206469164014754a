package dev.hub.fault;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The acks a test's publishers got, held against the rules of docs/protocol.md sections 4 and 10:
 * an acknowledged {@code (channel, epoch, offset)} names one event for good, an acknowledged event
 * stays in the history, and a subscriber gets a channel's events once, in order, with no gap,
 * from its first subscription or from the last reset it was told of.
 */
final class Ledger {
  /** Where an event stands in its channel. */
  record Position(String channel, String epoch, long offset) {
    @Override
    public String toString() {
      return channel + "@" + epoch + "/" + offset;
    }
  }

  /** A channel's history as a node serves it ({@code GET /api/channels/{channel}/history}). */
  record History(String channel, String epoch, long latest, List<Follower.Event> events) {
    /** The newest events (all, in this tier: its channels keep 10 000) through {@code node}. */
    static History read(Endpoints.Endpoint node, String channel) throws Exception {
      JsonObject page = Http.getJson(node, "/api/channels/" + channel + "/history?limit=10000");
      List<Follower.Event> events = page.getJsonArray("messages").stream()
          .map(JsonObject.class::cast)
          .map(m ->
              new Follower.Event(m.getString("epoch"), m.getLong("offset"), m.getString("eid")))
          .toList();
      return new History(channel, page.getString("epoch"), page.getLong("offset", 0L), events);
    }
  }

  private final List<HttpPublisher.Outcome> acks;
  private final Map<Position, Set<String>> acked = new HashMap<>();

  Ledger(List<HttpPublisher.Outcome> outcomes) {
    this.acks = outcomes.stream().filter(HttpPublisher.Outcome::acked).toList();
    for (HttpPublisher.Outcome ack : acks) {
      acked.computeIfAbsent(position(ack), p -> new TreeSet<>()).add(ack.eid());
    }
  }

  List<HttpPublisher.Outcome> acks() {
    return acks;
  }

  /** Every position acknowledged for two or more different events, with their ids. */
  Map<Position, Set<String>> positionsGivenTwice() {
    return acked.entrySet().stream()
        .filter(entry -> entry.getValue().size() > 1)
        .collect(Collectors.toMap(
            Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  /**
   * For each of {@code positions}: every ack of it, with the node and when it was sent and
   * answered, in milliseconds from {@code moment} (a test's fault), to read after a failure.
   */
  List<String> whoAcked(Collection<Position> positions, long moment) {
    List<String> lines = new ArrayList<>();
    for (Position position : positions) {
      lines.add(position + ":");
      for (HttpPublisher.Outcome ack : acks) {
        if (position.equals(position(ack))) {
          lines.add(String.format(
              "  %s acked by node %d, sent %+d ms from the fault, answered %+d ms",
              ack.eid(),
              ack.node() + 1,
              TimeUnit.NANOSECONDS.toMillis(ack.sentNanos() - moment),
              TimeUnit.NANOSECONDS.toMillis(ack.answeredNanos() - moment)));
        }
      }
    }
    return lines;
  }

  /**
   * The acked events the final history of their channel does not hold, or, while still in the
   * acknowledged epoch, does not hold at their acknowledged offset; leaving out those {@code
   * excused} (acked before their channel's history was lost, as the spec allows when both nodes
   * holding it die). An event kept under a new epoch (one the spec gives a channel after a split
   * whose minority copy may have been read) may stand at another offset there. An event held at its
   * offset and once more at another (Hazelcast re-sent an append whose owner died after its backup
   * had taken it; docs/delivery-guarantees.md) is not missing: see {@link #storedTwice}.
   */
  List<String> ackedMissingFrom(
      Map<String, History> finals, Predicate<HttpPublisher.Outcome> excused) {
    List<String> missing = new ArrayList<>();
    for (HttpPublisher.Outcome ack : acks) {
      if (excused.test(ack)) {
        continue;
      }
      History history = finals.get(ack.channel());
      boolean sameEpoch = ack.epoch().equals(history.epoch());
      boolean held = history.events().stream()
          .anyMatch(event ->
              ack.eid().equals(event.eid()) && (!sameEpoch || event.offset() == ack.offset()));
      if (!held) {
        missing.add(ack.eid() + " acked at " + position(ack) + " by node " + (ack.node() + 1)
            + "; the history holds " + holderOf(history, ack));
      }
    }
    return missing;
  }

  /** Events the final histories hold at more than one offset, as "eid in channel at offsets". */
  static List<String> storedTwice(Map<String, History> finals) {
    List<String> twice = new ArrayList<>();
    finals.forEach((channel, history) -> {
      Map<String, List<Long>> offsets = new TreeMap<>();
      for (Follower.Event event : history.events()) {
        offsets.computeIfAbsent(event.eid(), eid -> new ArrayList<>()).add(event.offset());
      }
      offsets.forEach((eid, at) -> {
        if (at.size() > 1) {
          twice.add(eid + " in " + channel + " at " + at);
        }
      });
    });
    return twice;
  }

  private static String holderOf(History history, HttpPublisher.Outcome ack) {
    if (!ack.epoch().equals(history.epoch())) {
      return "epoch " + history.epoch() + " now, without that event";
    }
    return history.events().stream()
            .filter(event -> event.offset() == ack.offset())
            .map(Follower.Event::eid)
            .findFirst()
            .orElse("nothing")
        + " there";
  }

  /**
   * What is wrong with what {@code follower} saw on {@code channel}, given the channel's final
   * history: every stretch from a starting point must be the events after it, once, in offset
   * order, in one epoch; the last stretch must be in the final epoch (else it was never told of
   * the reset), hold every event of the final history after its start, and none at a position
   * acknowledged for another event. What came before a reset it was told of is excused: the reset
   * is how the spec tells a client that what it holds may be wrong (docs/protocol.md section 10).
   */
  List<String> problemsOf(Follower follower, String channel, History last) {
    List<String> problems = new ArrayList<>();
    Follower.Start start = null;
    String epoch = null;
    long expected = 0;
    long from = 0;
    List<Follower.Event> stretch = new ArrayList<>();
    for (Follower.Seen seen : follower.seen(channel)) {
      if (seen instanceof Follower.Start begun) {
        start = begun;
        epoch = begun.epoch();
        expected = begun.offset() + 1;
        from = begun.offset();
        stretch.clear();
        continue;
      }
      Follower.Event event = (Follower.Event) seen;
      if (start == null) {
        problems.add("event " + event + " before any subscribed");
        continue;
      }
      if (epoch == null) {
        epoch = event.epoch();
      }
      if (!event.epoch().equals(epoch)) {
        problems.add("epoch changed from " + epoch + " to " + event.epoch() + " at " + event
            + " without a subscribed recovered:false");
        // What follows is held against the history from here on, as if it had been told.
        epoch = event.epoch();
        from = event.offset() - 1;
        stretch.clear();
      } else if (event.offset() != expected) {
        problems.add((event.offset() < expected ? "duplicate or out of order: " : "gap: ")
            + "expected offset " + expected + ", got " + event);
      }
      expected = event.offset() + 1;
      stretch.add(event);
    }
    for (Follower.Event event : stretch) {
      Set<String> ackedFor = acked.get(new Position(channel, event.epoch(), event.offset()));
      if (ackedFor != null && !ackedFor.contains(event.eid())) {
        problems.add("received " + event + " at a position acked for " + ackedFor);
      }
    }
    if (start == null) {
      problems.add("never subscribed");
      return problems;
    }
    String endEpoch = epoch != null ? epoch : last.epoch();
    if (!last.epoch().equals(endEpoch)) {
      problems.add("ends in epoch " + endEpoch + " but the history is in epoch " + last.epoch()
          + ", and was never told of the reset");
      return problems;
    }
    long after = from;
    List<String> due = last.events().stream()
        .filter(event -> event.offset() > after)
        .map(event -> event.offset() + ":" + event.eid())
        .toList();
    List<String> got =
        stretch.stream().map(event -> event.offset() + ":" + event.eid()).toList();
    if (!due.equals(got)) {
      List<String> missing = due.stream().filter(e -> !got.contains(e)).toList();
      List<String> extra = got.stream().filter(e -> !due.contains(e)).toList();
      problems.add("after offset " + after + " of " + endEpoch + ": " + missing.size()
          + " events of the history not received (first "
          + missing.stream().limit(3).toList() + "), " + extra.size()
          + " received that the history does not hold"
          + " there (first " + extra.stream().limit(3).toList() + ")");
    }
    return problems;
  }

  /**
   * Every follower's problems on every channel, one line per follower and channel with any,
   * giving the first two.
   */
  List<String> problemsOf(List<Follower> followers, Map<String, History> finals) {
    List<String> problems = new ArrayList<>();
    for (Follower follower : followers) {
      for (History last : finals.values()) {
        List<String> found = problemsOf(follower, last.channel(), last);
        if (!found.isEmpty()) {
          problems.add(follower.user() + " on " + last.channel() + ": " + found.size()
              + " problems, first " + found.stream().limit(2).toList());
        }
      }
    }
    return problems;
  }

  /** Each channel's history through {@code node}, once it answers for all within {@code bound}. */
  static Map<String, History> readAll(
      Endpoints.Endpoint node, List<String> channels, Duration bound) {
    Map<String, History> finals = new TreeMap<>();
    Awaitility.await("node " + node + " serves every channel's history")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(() -> {
          for (String channel : channels) {
            finals.put(channel, History.read(node, channel));
          }
        });
    return finals;
  }

  /**
   * Waits, within {@code bound}, for every follower to stand at the end of every channel's final
   * history; the checks report those that do not get there, so this does not fail.
   */
  static void awaitFollowersAt(
      List<Follower> followers, Map<String, History> finals, Duration bound) {
    try {
      Awaitility.await("every follower at the end of every channel")
          .atMost(bound)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> followers.stream()
              .allMatch(follower -> finals.values().stream().allMatch(last -> {
                Follower.Start at = follower.position(last.channel());
                return at != null
                    && last.epoch().equals(at.epoch())
                    && at.offset() == last.latest();
              })));
    } catch (ConditionTimeoutException e) {
      // Reported by the checks, follower by follower.
    }
  }

  /** Publishes counted by how they ended: {@code acked}, {@code no answer}, or status and code. */
  static Map<String, Long> byResult(List<HttpPublisher.Outcome> outcomes) {
    return outcomes.stream()
        .collect(Collectors.groupingBy(
            o -> o.acked() ? "acked" : o.status() == 0 ? "no answer" : o.status() + " " + o.code(),
            TreeMap::new,
            Collectors.counting()));
  }

  /** The first few items, for a failure message that stays readable. */
  static String first(Collection<?> items) {
    return items.stream().limit(5).map(String::valueOf).collect(Collectors.joining("; "));
  }

  /** One line per publish, to read after a failure. */
  static void write(Path file, List<HttpPublisher.Outcome> outcomes) throws IOException {
    Files.write(file, outcomes.stream().map(HttpPublisher.Outcome::toString).toList());
  }

  /** What each follower saw, channel by channel, and its notes, to read after a failure. */
  static void writeFollowers(Path file, List<Follower> followers) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Follower follower : followers) {
      lines.add(follower.user() + ": " + follower.connections() + " connections, now at node "
          + (follower.node() + 1));
      follower.notes().forEach(note -> lines.add("  note: " + note));
      for (String channel : follower.channels()) {
        lines.add("  " + channel + ": "
            + follower.seen(channel).stream().map(Ledger::brief).collect(Collectors.joining(" ")));
      }
    }
    Files.write(file, lines);
  }

  private static String brief(Follower.Seen seen) {
    if (seen instanceof Follower.Start start) {
      return "[" + (start.told() ? "reset " : "start ") + start.epoch() + "/" + start.offset()
          + "]";
    }
    Follower.Event event = (Follower.Event) seen;
    return event.epoch() + "/" + event.offset() + "=" + event.eid();
  }

  private static Position position(HttpPublisher.Outcome ack) {
    return new Position(ack.channel(), ack.epoch(), ack.offset());
  }
}
