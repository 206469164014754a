package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of error codes is the table of docs/protocol.md section 5, no more, no less: the
 * table is read from the document itself, so the two cannot drift apart.
 */
class ErrorCodeTest {
  /** The protocol document, from the hub module's directory (where Maven runs its tests). */
  private static final Path PROTOCOL = Path.of("..", "docs", "protocol.md");
  /** {@code | `code` | cause | close |}: the close column is empty or a number (maybe with words after it). */
  private static final Pattern ROW =
      Pattern.compile("^\\|\\s*`([a-z_]+)`\\s*\\|[^|]*\\|\\s*(\\d*)[^|]*\\|\\s*$");

  /** One row of the table: the code and its close code (0 where the table's close column is empty). */
  record Row(String code, int close) {}

  @Test
  void catalogueIsTheProtocolTable() throws IOException {
    List<Row> table = protocolTable();
    assertThat(table).as("rows read from section 5 of %s", PROTOCOL).hasSizeGreaterThan(10);
    List<Row> catalogue = Arrays.stream(ErrorCode.values())
        .map(code -> new Row(code.wire(), code.closeCode()))
        .toList();
    assertThat(catalogue).containsExactlyInAnyOrderElementsOf(table);
  }

  @Test
  void noCloseMeansCloseCodeNone() {
    assertThat(CloseCode.NONE).isZero();
  }

  /** The rows of the error table in section 5 ("## 5."), up to the next section. */
  static List<Row> protocolTable() throws IOException {
    List<Row> rows = new ArrayList<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(PROTOCOL)) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## 5.");
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (inSection && row.matches()) {
        rows.add(
            new Row(row.group(1), row.group(2).isEmpty() ? 0 : Integer.parseInt(row.group(2))));
      }
    }
    return rows;
  }
}
