package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LoadFramesTest {
  @Test
  void anEventIsPaddedToThePayloadSize() {
    String event = LoadFrames.event(42, 123_456_789, 200);

    assertThat(event).hasSize(200);
    JsonObject json = new JsonObject(event);
    assertThat(json.getString("type")).isEqualTo("load");
    assertThat(json.getLong("s")).isEqualTo(42);
    assertThat(json.getLong("t")).isEqualTo(123_456_789);
  }

  @Test
  void aSmallPayloadStillCarriesItsFields() {
    assertThat(new JsonObject(LoadFrames.event(7, 8, 0)).getLong("s")).isEqualTo(7);
    assertThat(LoadFrames.event(7, 8, 0)).hasSize(LoadFrames.MIN_EVENT_BYTES);
  }

  @Test
  void findsSequenceAndSendTimeInTheEventAHubDelivers() {
    // What a hub sends a subscriber: the event as published, then the fields the hub adds.
    Buffer delivered = Buffer.buffer(
        "{\"type\":\"load\",\"s\":9001,\"t\":77,\"p\":\"xxxx\","
            + "\"timestamp\":\"2025-01-01T00:00:00Z\",\"channel\":\"load\",\"from\":\"load-publisher\"}");

    assertThat(LoadFrames.sequence(delivered)).isEqualTo(9001);
    assertThat(LoadFrames.sentAt(delivered)).isEqualTo(77);
  }

  @Test
  void tellsEventsFromRepliesAndReadsAckIds() {
    Buffer connected =
        Buffer.buffer("{\"type\":\"connected\",\"connectionId\":\"c\",\"node\":\"n\"}");
    Buffer ack = Buffer.buffer("{\"type\":\"ack\",\"id\":12,\"offset\":3}");

    assertThat(LoadFrames.sequence(connected)).isEqualTo(LoadFrames.ABSENT);
    assertThat(LoadFrames.isAck(ack)).isTrue();
    assertThat(LoadFrames.isAck(connected)).isFalse();
    assertThat(LoadFrames.id(ack)).isEqualTo(12);
  }

  @Test
  void aPublishFrameCarriesTheEventAndItsSequenceAsId() {
    JsonObject frame = new JsonObject(LoadFrames.publish("room", 5, 6, 100));

    assertThat(frame.getString("type")).isEqualTo("publish");
    assertThat(frame.getLong("id")).isEqualTo(5);
    assertThat(frame.getString("channel")).isEqualTo("room");
    assertThat(frame.getJsonObject("event").getLong("s")).isEqualTo(5);
  }
}
