package dev.hub.fault;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
      List<Follower.Event> events = page.getJsonArray("messages").stream().map(JsonObject.class::cast)
          .map(m -> new Follower.Event(m.getString("epoch"), m.getLong("offset"), m.getString("eid"))).toList();
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
    return acked.entrySet().stream().filter(entry -> entry.getValue().size() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  /**
   * The acked events that are not at their acknowledged position in the final history of their
   * channel, leaving out channels {@code lost} (whose history the spec allows to be gone).
   */
  List<String> ackedMissingFrom(Map<String, History> finals, Set<String> lost) {
    List<String> missing = new ArrayList<>();
    for (HttpPublisher.Outcome ack : acks) {
      History history = finals.get(ack.channel());
      if (lost.contains(ack.channel())) {
        continue;
      }
      boolean there = ack.epoch().equals(history.epoch()) && history.events().stream()
          .anyMatch(event -> event.offset() == ack.offset() && ack.eid().equals(event.eid()));
      if (!there) {
        missing.add(ack.eid() + " acked at " + position(ack) + " by node " + (ack.node() + 1)
            + "; the history holds " + holderOf(history, ack));
      }
    }
    return missing;
  }

  private static String holderOf(History history, HttpPublisher.Outcome ack) {
    if (!ack.epoch().equals(history.epoch())) {
      return "epoch " + history.epoch() + " now";
    }
    return history.events().stream().filter(event -> event.offset() == ack.offset()).map(Follower.Event::eid)
        .findFirst().orElse("nothing") + " there";
  }

  /**
   * What is wrong with what {@code follower} saw on {@code channel}, given the channel's final
   * history: every stretch from a starting point must be the events after it, once, in offset
   * order, in one epoch, none of them at a position acknowledged for another event; the last
   * stretch must be in the final epoch (else it was never told of the reset) and hold every event
   * of the final history after its start.
   */
  List<String> problemsOf(Follower follower, String channel, History last) {
    List<String> problems = new ArrayList<>();
    Follower.Start start = null;
    String epoch = null;
    long expected = 0;
    List<Follower.Event> stretch = new ArrayList<>();
    for (Follower.Seen seen : follower.seen(channel)) {
      if (seen instanceof Follower.Start begun) {
        start = begun;
        epoch = begun.epoch();
        expected = begun.offset() + 1;
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
        epoch = event.epoch();
      } else if (event.offset() != expected) {
        problems.add((event.offset() < expected ? "duplicate or out of order: " : "gap: ") + "expected offset "
            + expected + ", got " + event);
      }
      expected = event.offset() + 1;
      Set<String> ackedFor = acked.get(new Position(channel, event.epoch(), event.offset()));
      if (ackedFor != null && !ackedFor.contains(event.eid())) {
        problems.add("received " + event + " at a position acked for " + ackedFor);
      }
      stretch.add(event);
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
    long from = start.offset();
    List<String> due = last.events().stream().filter(event -> event.offset() > from)
        .map(event -> event.offset() + ":" + event.eid()).toList();
    List<String> got = stretch.stream().map(event -> event.offset() + ":" + event.eid()).toList();
    if (!due.equals(got)) {
      List<String> missing = due.stream().filter(e -> !got.contains(e)).toList();
      List<String> extra = got.stream().filter(e -> !due.contains(e)).toList();
      problems.add("after " + start + ": " + missing.size() + " events of the history not received (first "
          + missing.stream().limit(3).toList() + "), " + extra.size() + " received that the history does not hold"
          + " there (first " + extra.stream().limit(3).toList() + ")");
    }
    return problems;
  }

  private static Position position(HttpPublisher.Outcome ack) {
    return new Position(ack.channel(), ack.epoch(), ack.offset());
  }
}
