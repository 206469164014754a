package dev.hub.history;

import com.hazelcast.map.EntryProcessor;
import java.io.Serial;
import java.util.Map;
import java.util.Objects;

/**
 * Sets a channel's epoch to {@code next} if it is still {@code expected} (null: none), atomically
 * on the member that owns the entry, and answers the epoch the channel has afterwards. One
 * compare-and-set serves the three changes an epoch goes through: chosen for a channel that has
 * none, replaced after a network split may have forked the history, and removed when an idle
 * channel is freed. The new value is chosen by the caller, not here: the backup replays the same
 * processor and must reach the same value.
 *
 * <p>Runs on every member that holds data, so those must all be hub nodes (JVM services join as
 * lite members).
 */
final class EpochUpdate implements EntryProcessor<String, String, String> {
  @Serial
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String next;

  private EpochUpdate(String expected, String next) {
    this.expected = expected;
    this.next = next;
  }

  /** Gives the channel {@code fresh} unless it already has an epoch. */
  static EpochUpdate assign(String fresh) {
    return new EpochUpdate(null, fresh);
  }

  /** Replaces {@code current} with {@code fresh}. */
  static EpochUpdate replace(String current, String fresh) {
    return new EpochUpdate(current, fresh);
  }

  /** Removes {@code current}. */
  static EpochUpdate remove(String current) {
    return new EpochUpdate(current, null);
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    if (Objects.equals(entry.getValue(), expected)) {
      entry.setValue(next);
    }
    return entry.getValue();
  }
}
