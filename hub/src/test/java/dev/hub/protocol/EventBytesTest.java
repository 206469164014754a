package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EventBytesTest {

  @Test
  void positionIsSplicedIntoATextEvent() {
    Buffer spliced =
        EventBytes.withPosition(Buffer.buffer("{\"type\":\"tick\",\"n\":1}"), false, 42, "e1");
    assertThat(spliced.toString())
        .isEqualTo("{\"type\":\"tick\",\"n\":1,\"offset\":42,\"epoch\":\"e1\"}");
  }

  @Test
  void positionIsSplicedIntoAnEmptyObjectWithoutALeadingComma() {
    Buffer spliced = EventBytes.withPosition(Buffer.buffer("{ }"), false, 1, "e");
    assertThat(new JsonObject(spliced))
        .isEqualTo(new JsonObject().put("offset", 1).put("epoch", "e"));
  }

  @Test
  void epochIsEscapedAsAJsonString() {
    Buffer spliced = EventBytes.withPosition(Buffer.buffer("{\"type\":\"x\"}"), false, 3, "a\"b");
    assertThat(new JsonObject(spliced).getString("epoch")).isEqualTo("a\"b");
  }

  @Test
  void binaryEventKeepsItsPayloadAndGetsANewHeaderLength() {
    Buffer payload = Buffer.buffer(new byte[] {0, 1, 2, (byte) 255});
    Buffer event = EventBytes.binary(Buffer.buffer("{\"type\":\"file\"}"), payload);
    Buffer spliced = EventBytes.withPosition(event, true, 7, "e");
    int length = spliced.getInt(0);
    assertThat(new JsonObject(spliced.slice(4, 4 + length)))
        .isEqualTo(new JsonObject().put("type", "file").put("offset", 7).put("epoch", "e"));
    assertThat(spliced.getBytes(4 + length, spliced.length())).containsExactly(0, 1, 2, 255);
  }
}
