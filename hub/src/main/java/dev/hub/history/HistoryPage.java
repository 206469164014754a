package dev.hub.history;

import java.util.List;

/**
 * A run of a channel's stored events.
 *
 * @param epoch the history's epoch
 * @param latest offset of the newest stored event (0: none yet)
 * @param complete true when the run starts right after the offset asked for: nothing in between
 *     fell out of retention
 * @param events oldest first, offsets increasing by one
 */
public record HistoryPage(String epoch, long latest, boolean complete, List<StoredEvent> events) {
}
