package dev.hub.history;

import java.util.List;

/**
 * A run of a channel's stored events.
 *
 * @param epoch the history's epoch; null when the channel has stored nothing (or was freed)
 * @param complete true when the run starts right after the offset asked for: nothing in between
 *     fell out of retention
 * @param events oldest first, offsets increasing by one
 */
public record HistoryPage(String epoch, boolean complete, List<StoredEvent> events) {

  /** The page of a channel that has no history: nothing, and nothing lost unless a position was held. */
  static HistoryPage none(long afterOffset) {
    return new HistoryPage(null, afterOffset == 0, List.of());
  }

  /** The offset of the last event, or {@code afterOffset} when the page is empty. */
  public long lastOffset(long afterOffset) {
    return events.isEmpty() ? afterOffset : events.get(events.size() - 1).offset();
  }
}
