package dev.hub.load;

import io.vertx.core.json.JsonObject;

/**
 * A server's memory before and after the connections were opened: resident set size, and heap used
 * after a full GC. A figure that could not be read is null, and {@code error} says why.
 */
public record ServerMemory(
    long pid, Long rssBefore, Long rssAfter, Long heapBefore, Long heapAfter, String error) {

  /** One reading of a server's memory: {@link #rss} and {@link #heap} are null when unreadable. */
  public record Reading(Long rss, Long heap, String error) {
    /**
     * Runs a full GC and reads the heap, then reads RSS; blocks. RSS after the collection, both
     * times: before it, RSS holds whatever garbage earlier work left, and the growth could come out
     * negative.
     */
    public static Reading of(long pid) {
      Long rss = null;
      Long heap = null;
      StringBuilder errors = new StringBuilder();
      try {
        heap = HeapProbe.usedAfterGc(pid);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        errors.append("heap: interrupted; ");
      } catch (Exception e) {
        errors.append("heap: ").append(e.getMessage()).append("; ");
      }
      try {
        rss = ProcessStats.rssBytes(pid);
      } catch (Exception e) {
        errors.append("rss: ").append(e.getMessage());
      }
      return new Reading(rss, heap, errors.length() == 0 ? null : errors.toString());
    }
  }

  public static ServerMemory of(long pid, Reading before, Reading after) {
    String error = before.error() == null && after.error() == null
        ? null
        : "before: " + before.error() + " after: " + after.error();
    return new ServerMemory(pid, before.rss(), after.rss(), before.heap(), after.heap(), error);
  }

  Long rssGrowth() {
    return rssBefore == null || rssAfter == null ? null : rssAfter - rssBefore;
  }

  Long heapGrowth() {
    return heapBefore == null || heapAfter == null ? null : heapAfter - heapBefore;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("pid", pid)
        .put("rssBefore", rssBefore)
        .put("rssAfter", rssAfter)
        .put("heapBefore", heapBefore)
        .put("heapAfter", heapAfter)
        .put("error", error);
  }
}
