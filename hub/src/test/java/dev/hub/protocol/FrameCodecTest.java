package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden tests of the client frames of docs/protocol.md section 2 and the errors of section 5. */
class FrameCodecTest {

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  /** The error a frame is refused with; fails the test when it is accepted. */
  private static HubException refused(String text) {
    HubException error = catchThrowableOfType(HubException.class, () -> FrameCodec.decode(text));
    assertThat(error).as("decoding %s", text).isNotNull();
    return error;
  }

  private static void assertRefused(String text, ErrorCode code, Object requestId) {
    assertThat(refused(text))
        .extracting(HubException::code, HubException::requestId)
        .containsExactly(code, requestId);
  }

  @Nested
  class ClientFrames {

    @Test
    void auth() {
      assertThat(FrameCodec.decode(
              "{\"type\":\"auth\",\"id\":\"a1\",\"token\":\"eyJhbGciOi.eyJzdWIi.sig\"}"))
          .isEqualTo(new ClientFrame.Auth("a1", "eyJhbGciOi.eyJzdWIi.sig"));
    }

    @Test
    void pingWithId() {
      assertThat(FrameCodec.decode("{\"type\":\"ping\",\"id\":1}"))
          .isEqualTo(new ClientFrame.Ping(1));
    }

    @Test
    void pingWithoutId() {
      assertThat(FrameCodec.decode("{\"type\":\"ping\"}")).isEqualTo(new ClientFrame.Ping(null));
    }

    @Test
    void subscribe() {
      assertThat(FrameCodec.decode("{\"type\":\"subscribe\",\"id\":2,\"channel\":\"room:42\"}"))
          .isEqualTo(new ClientFrame.Subscribe(2, "room:42", null));
    }

    @Test
    void subscribeSince() {
      assertThat(
              FrameCodec.decode(
                  "{\"type\":\"subscribe\",\"id\":3,\"channel\":\"room:42\",\"since\":{\"offset\":17,\"epoch\":\"e-1\"}}"))
          .isEqualTo(new ClientFrame.Subscribe(3, "room:42", new StreamPosition(17, "e-1")));
    }

    @Test
    void unsubscribe() {
      assertThat(FrameCodec.decode("{\"type\":\"unsubscribe\",\"id\":\"u\",\"channel\":\"tasks\"}"))
          .isEqualTo(new ClientFrame.Unsubscribe("u", "tasks"));
    }

    @Test
    void publish() {
      assertThat(
              FrameCodec.decode(
                  "{\"type\":\"publish\",\"id\":1,\"channel\":\"tasks\",\"event\":{\"type\":\"task_created\",\"taskId\":7}}"))
          .isEqualTo(new ClientFrame.Publish(
              1, "tasks", json("{\"type\":\"task_created\",\"taskId\":7}")));
    }

    @Test
    void broadcast() {
      assertThat(FrameCodec.decode(
              "{\"type\":\"broadcast\",\"event\":{\"type\":\"chat\",\"text\":\"hi\"}}"))
          .isEqualTo(new ClientFrame.Broadcast(null, json("{\"type\":\"chat\",\"text\":\"hi\"}")));
    }

    @Test
    void direct() {
      assertThat(
              FrameCodec.decode(
                  "{\"type\":\"direct\",\"id\":\"d1\",\"user\":\"bob\",\"event\":{\"type\":\"nudge\"}}"))
          .isEqualTo(new ClientFrame.Direct("d1", "bob", json("{\"type\":\"nudge\"}")));
    }

    @Test
    void presence() {
      assertThat(FrameCodec.decode("{\"type\":\"presence\",\"id\":4,\"channel\":\"room:42\"}"))
          .isEqualTo(new ClientFrame.Presence(4, "room:42"));
    }

    @Test
    void historyWithSinceAndLimit() {
      assertThat(FrameCodec.decode("{\"type\":\"history\",\"id\":5,\"channel\":\"tasks\","
              + "\"since\":{\"offset\":10,\"epoch\":\"e-1\"},\"limit\":50}"))
          .isEqualTo(new ClientFrame.History(5, "tasks", new StreamPosition(10, "e-1"), 50));
    }

    @Test
    void historyOfEverything() {
      assertThat(FrameCodec.decode("{\"type\":\"history\",\"id\":5,\"channel\":\"tasks\"}"))
          .isEqualTo(new ClientFrame.History(5, "tasks", null, null));
    }

    @Test
    void rpc() {
      assertThat(
              FrameCodec.decode(
                  "{\"type\":\"rpc\",\"id\":6,\"address\":\"orders.lookup\",\"body\":{\"orderId\":9},\"timeout\":2000}"))
          .isEqualTo(new ClientFrame.Rpc(6, "orders.lookup", json("{\"orderId\":9}"), 2000L));
    }

    @Test
    void echoKeepsTheWholeFrame() {
      assertThat(FrameCodec.decode(
              "{\"type\":\"echo\",\"id\":7,\"anything\":[1,\"two\",{\"three\":3}]}"))
          .isEqualTo(new ClientFrame.Echo(
              7, json("{\"type\":\"echo\",\"id\":7,\"anything\":[1,\"two\",{\"three\":3}]}")));
    }

    @Test
    void channelOf255CharactersIsAccepted() {
      String channel = "a".repeat(255);
      assertThat(FrameCodec.decode("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}"))
          .isEqualTo(new ClientFrame.Subscribe(null, channel, null));
    }

    @Test
    void channelOfEveryAllowedCharacterIsAccepted() {
      String channel = "AZaz09_-.:@/";
      assertThat(FrameCodec.decode("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}"))
          .isEqualTo(new ClientFrame.Subscribe(null, channel, null));
    }
  }

  @Nested
  class Shorthand {

    @Test
    void eventWithoutChannelIsBroadcast() {
      assertThat(FrameCodec.decode("{\"type\":\"chat\",\"payload\":{\"message\":\"Hello\"}}"))
          .isEqualTo(new ClientFrame.Broadcast(
              null, json("{\"type\":\"chat\",\"payload\":{\"message\":\"Hello\"}}")));
    }

    @Test
    void eventWithChannelIsPublished() {
      assertThat(FrameCodec.decode(
              "{\"type\":\"chat\",\"channel\":\"room:42\",\"payload\":{\"message\":\"Hello\"}}"))
          .isEqualTo(
              new ClientFrame.Publish(
                  null,
                  "room:42",
                  json(
                      "{\"type\":\"chat\",\"channel\":\"room:42\",\"payload\":{\"message\":\"Hello\"}}")));
    }

    @Test
    void idIsTheRequestIdNotPartOfTheEvent() {
      assertThat(
              FrameCodec.decode("{\"type\":\"chat\",\"id\":9,\"payload\":{\"message\":\"Hello\"}}"))
          .isEqualTo(new ClientFrame.Broadcast(
              9, json("{\"type\":\"chat\",\"payload\":{\"message\":\"Hello\"}}")));
    }

    @Test
    void badChannelIsRefusedWithTheId() {
      assertRefused(
          "{\"type\":\"chat\",\"id\":9,\"channel\":\"room 42\"}", ErrorCode.BAD_CHANNEL, 9);
    }

    @Test
    void emptyTypeIsRefused() {
      assertThat(refused("{\"type\":\"\",\"id\":9}").code()).isEqualTo(ErrorCode.INVALID_FRAME);
    }
  }

  @Nested
  class InvalidJson {

    @Test
    void notJson() {
      assertRefused("hello, hub", ErrorCode.INVALID_JSON, null);
    }

    @Test
    void truncatedJson() {
      assertThat(refused("{\"type\":\"ping\",\"id\":1").code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    @Test
    void nesting100000DeepIsRefusedNotOverflowingTheStack() {
      int depth = 100_000;
      String text = "{\"type\":\"chat\",\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
      assertThat(refused(text).code()).isEqualTo(ErrorCode.INVALID_JSON);
    }
  }

  @Nested
  class InvalidFrame {

    @ParameterizedTest
    @ValueSource(strings = {"42", "[{\"type\":\"ping\"}]", "\"ping\"", "null", "true"})
    void notAnObject(String text) {
      assertThat(refused(text).code()).isEqualTo(ErrorCode.INVALID_FRAME);
    }

    @Test
    void missingTypeCarriesTheId() {
      assertRefused("{\"id\":5,\"channel\":\"tasks\"}", ErrorCode.INVALID_FRAME, 5);
    }

    @Test
    void nonStringTypeCarriesTheId() {
      assertRefused("{\"type\":7,\"id\":\"x\"}", ErrorCode.INVALID_FRAME, "x");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "connected",
          "authenticated",
          "pong",
          "subscribed",
          "unsubscribed",
          "ack",
          "error",
          "join",
          "leave",
          "reconnect",
          "rpc_result"
        })
    void serverOnlyTypeAsFrameType(String type) {
      assertRefused("{\"type\":\"" + type + "\",\"id\":3}", ErrorCode.INVALID_FRAME, 3);
    }

    @Test
    void serverOnlyTypeWithChannelAsFrameType() {
      assertThat(refused("{\"type\":\"ack\",\"id\":3,\"channel\":\"tasks\"}").code())
          .isEqualTo(ErrorCode.INVALID_FRAME);
    }

    @Test
    void eventThatIsNotAnObject() {
      assertRefused(
          "{\"type\":\"publish\",\"id\":1,\"channel\":\"tasks\",\"event\":\"task_created\"}",
          ErrorCode.INVALID_FRAME,
          1);
    }

    @Test
    void missingEvent() {
      assertRefused("{\"type\":\"broadcast\",\"id\":1}", ErrorCode.INVALID_FRAME, 1);
    }

    @Test
    void eventWithoutType() {
      assertRefused(
          "{\"type\":\"publish\",\"id\":1,\"channel\":\"tasks\",\"event\":{\"taskId\":7}}",
          ErrorCode.INVALID_FRAME,
          1);
    }

    @Test
    void eventWithServerOnlyType() {
      assertRefused(
          "{\"type\":\"broadcast\",\"id\":1,\"event\":{\"type\":\"reconnect\"}}",
          ErrorCode.INVALID_FRAME,
          1);
    }

    @Test
    void directEventWithServerOnlyType() {
      assertRefused(
          "{\"type\":\"direct\",\"id\":1,\"user\":\"bob\",\"event\":{\"type\":\"connected\"}}",
          ErrorCode.INVALID_FRAME,
          1);
    }

    @Test
    void idThatIsAnObjectCannotBeCarried() {
      assertRefused("{\"type\":\"ping\",\"id\":{\"n\":1}}", ErrorCode.INVALID_FRAME, null);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "17",
          "\"17\"",
          "{\"offset\":\"17\",\"epoch\":\"e-1\"}",
          "{\"offset\":17}",
          "{\"epoch\":\"e-1\"}",
          "{\"offset\":17,\"epoch\":3}"
        })
    void malformedSince(String since) {
      assertRefused(
          "{\"type\":\"subscribe\",\"id\":2,\"channel\":\"tasks\",\"since\":" + since + "}",
          ErrorCode.INVALID_FRAME,
          2);
    }

    @Test
    void channelThatIsNotAString() {
      assertRefused("{\"type\":\"subscribe\",\"id\":2,\"channel\":42}", ErrorCode.INVALID_FRAME, 2);
    }

    @Test
    void authWithoutToken() {
      assertRefused("{\"type\":\"auth\",\"id\":2}", ErrorCode.INVALID_FRAME, 2);
    }
  }

  @Nested
  class BadChannel {

    @ParameterizedTest
    @ValueSource(strings = {"", "room 42", "room#42", "tâches", "room*"})
    void invalidNameCarriesTheId(String channel) {
      assertRefused(
          "{\"type\":\"subscribe\",\"id\":8,\"channel\":\"" + channel + "\"}",
          ErrorCode.BAD_CHANNEL,
          8);
    }

    @Test
    void nameOf256Characters() {
      assertRefused(
          "{\"type\":\"publish\",\"id\":8,\"channel\":\"" + "a".repeat(256)
              + "\",\"event\":{\"type\":\"x\"}}",
          ErrorCode.BAD_CHANNEL,
          8);
    }
  }
}
