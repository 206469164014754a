package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalogue of error codes is the table of PROTOCOL.md section 5, no more, no less. */
class ErrorCodeTest {

  /** One row of the table: the code and its close code (0 where the table's close column is empty). */
  record Row(String code, int close) {
  }

  /** PROTOCOL.md section 5, in its order. */
  private static final List<Row> PROTOCOL_TABLE = List.of(
      new Row("invalid_json", 0),
      new Row("invalid_frame", 0),
      new Row("bad_channel", 0),
      new Row("forbidden", 0),
      new Row("not_subscribed", 0),
      new Row("rate_limited", 1008),
      new Row("too_large", 1009),
      new Row("too_many_subscriptions", 0),
      new Row("unauthorized", 4401),
      new Row("token_expired", 4403),
      new Row("too_many_connections", 4429),
      new Row("slow_consumer", 4009),
      new Row("no_handler", 0),
      new Row("timeout", 0),
      new Row("rpc_failed", 0),
      new Row("internal", 0));

  @Test
  void catalogueIsTheProtocolTable() {
    List<Row> catalogue = Arrays.stream(ErrorCode.values())
        .map(code -> new Row(code.wire(), code.closeCode()))
        .toList();
    assertThat(catalogue).containsExactlyInAnyOrderElementsOf(PROTOCOL_TABLE);
  }

  @Test
  void noCloseMeansCloseCodeNone() {
    assertThat(CloseCode.NONE).isZero();
  }
}
