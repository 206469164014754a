package dev.hub.load.scenario;

import io.vertx.core.json.JsonObject;

/**
 * One load run as the scenarios report it: what was run (scenario, label, node count) and the
 * load generator's JSON result, read by dotted paths so that the report and the JSON line name
 * the same fields.
 */
record RunRecord(String scenario, String label, int nodes, JsonObject result) {

  double number(String path) {
    Object value = value(path);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  long count(String path) {
    Object value = value(path);
    return value instanceof Number n ? n.longValue() : -1;
  }

  private Object value(String path) {
    Object current = result;
    for (String key : path.split("\\.")) {
      if (!(current instanceof JsonObject object)) {
        return null;
      }
      current = object.getValue(key);
    }
    return current;
  }

  /** The JSON line written to results.jsonl. */
  JsonObject toJson() {
    return new JsonObject()
        .put("scenario", scenario)
        .put("label", label)
        .put("nodes", nodes)
        .put("result", result);
  }
}
