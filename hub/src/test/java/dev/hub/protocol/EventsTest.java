package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fields the hub adds or overwrites on an event (docs/protocol.md section 3). */
class EventsTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  @Test
  void timestampIsSetWhenAbsent() {
    assertThat(Events.stamp(json("{\"type\":\"chat\"}"), null, false, null, NOW))
        .isEqualTo(json("{\"type\":\"chat\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void publishersTimestampIsKept() {
    assertThat(Events.stamp(
            json("{\"type\":\"chat\",\"timestamp\":\"2020-01-01T00:00:00Z\"}"),
            null,
            false,
            null,
            NOW))
        .isEqualTo(json("{\"type\":\"chat\",\"timestamp\":\"2020-01-01T00:00:00Z\"}"));
  }

  @Test
  void clientsTimestampIsReplaced() {
    assertThat(Events.stamp(
            json("{\"type\":\"chat\",\"timestamp\":\"2020-01-01T00:00:00Z\"}"),
            null,
            true,
            "alice",
            NOW))
        .isEqualTo(
            json("{\"type\":\"chat\",\"from\":\"alice\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void streamFieldsAreRemovedFromBroadcastAndDirectEventsOfClientsAndServers() {
    String forged =
        "{\"type\":\"alert\",\"channel\":\"alerts\",\"offset\":999,\"epoch\":\"forged\"}";
    assertThat(Events.stamp(json(forged), null, true, "mallory", NOW))
        .isEqualTo(json(
            "{\"type\":\"alert\",\"from\":\"mallory\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
    assertThat(Events.stamp(json(forged), null, false, null, NOW))
        .isEqualTo(json("{\"type\":\"alert\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void aPositionIsRemovedFromChannelEventsForTheStoreToSet() {
    assertThat(Events.stamp(
            json("{\"type\":\"tick\",\"offset\":999,\"epoch\":\"forged\"}"),
            "feed",
            false,
            null,
            NOW))
        .isEqualTo(json(
            "{\"type\":\"tick\",\"channel\":\"feed\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void channelIsAlwaysSetForChannelEvents() {
    assertThat(Events.stamp(
            json("{\"type\":\"chat\",\"channel\":\"elsewhere\"}"), "room:42", false, null, NOW))
        .isEqualTo(json(
            "{\"type\":\"chat\",\"channel\":\"room:42\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void clientsForgedFromIsReplacedByItsUser() {
    assertThat(
            Events.stamp(json("{\"type\":\"chat\",\"from\":\"admin\"}"), null, true, "alice", NOW))
        .isEqualTo(
            json("{\"type\":\"chat\",\"from\":\"alice\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void anonymousClientsFromIsRemoved() {
    assertThat(Events.stamp(json("{\"type\":\"chat\",\"from\":\"admin\"}"), null, true, null, NOW))
        .isEqualTo(json("{\"type\":\"chat\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void serversFromIsKept() {
    assertThat(Events.stamp(json("{\"type\":\"deploy\",\"from\":\"ci\"}"), "ops", false, null, NOW))
        .isEqualTo(
            json(
                "{\"type\":\"deploy\",\"from\":\"ci\",\"channel\":\"ops\",\"timestamp\":\"2024-05-01T12:00:00Z\"}"));
  }

  @Test
  void theEventGivenIsLeftUnchanged() {
    JsonObject event = json("{\"type\":\"chat\",\"from\":\"admin\"}");
    Events.stamp(event, "room:42", true, "alice", NOW);
    assertThat(event).isEqualTo(json("{\"type\":\"chat\",\"from\":\"admin\"}"));
  }
}
