package dev.hub.routing;

import io.vertx.core.json.JsonObject;

/**
 * What a publisher learns of its event: its {@code offset} and {@code epoch} in a channel with
 * history, or nothing (both null) for every other audience.
 */
public record PublishReceipt(Long offset, String epoch) {
  public static final PublishReceipt NONE = new PublishReceipt(null, null);

  /** {@code {"offset":...,"epoch":...}}, or {@code {}} without history. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (offset != null) {
      json.put("offset", offset).put("epoch", epoch);
    }
    return json;
  }
}
