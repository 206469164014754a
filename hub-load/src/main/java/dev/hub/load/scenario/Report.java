package dev.hub.load.scenario;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Where a scenario run's results go: every load run as one JSON line in {@code results.jsonl},
 * and the tables and verdicts in {@code report.md} (Markdown, ready for docs/benchmarks.md), each also
 * printed to standard output as it is made.
 */
final class Report {
  private final Path jsonl;
  private final Path markdown;

  Report(Path out, String machine) throws IOException {
    Files.createDirectories(out);
    this.jsonl = out.resolve("results.jsonl");
    this.markdown = out.resolve("report.md");
    // Each run starts both files afresh: figures from an earlier run must not pass as this one's.
    Files.deleteIfExists(jsonl);
    Files.deleteIfExists(markdown);
    text("# hub benchmark report\n\n" + Instant.now() + ", " + machine + "\n");
  }

  void run(RunRecord record) throws IOException {
    Files.writeString(
        jsonl,
        record.toJson().encode() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  void extra(String scenario, JsonObject json) throws IOException {
    Files.writeString(
        jsonl,
        new JsonObject().put("scenario", scenario).mergeIn(json).encode() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  void text(String text) throws IOException {
    System.out.println(text);
    Files.writeString(
        markdown,
        text + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  Path markdown() {
    return markdown;
  }
}
