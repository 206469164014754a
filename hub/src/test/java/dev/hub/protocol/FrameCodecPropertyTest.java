package dev.hub.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the frame parser, run by jqwik on the JUnit platform with a bounded number of
 * tries so they take seconds in CI: whatever text a client sends, decoding either yields a frame
 * or throws a {@link HubException} with a catalogued code (never anything else, which would be an
 * {@code internal} error), and every valid frame decodes to the values it was built from.
 */
class FrameCodecPropertyTest {

  @Property(tries = 2000)
  void arbitraryTextOnlyEverFailsWithAHubException(@ForAll @StringLength(max = 300) String text) {
    decodesOrRefuses(text);
  }

  @Property(tries = 2000)
  void mutatedValidFramesOnlyEverFailWithAHubException(
      @ForAll("validFrames") JsonObject frame, @ForAll("mutations") Mutation mutation) {
    decodesOrRefuses(mutation.apply(frame.encode()));
  }

  @Property(tries = 1000)
  void framesWithFieldsOfAnyTypeOnlyEverFailWithAHubException(
      @ForAll("frameTypes") String type,
      @ForAll("anyValues") Object channel,
      @ForAll("anyValues") Object event,
      @ForAll("anyValues") Object id,
      @ForAll("anyValues") Object since) {
    JsonObject frame = new JsonObject()
        .put("type", type)
        .put("channel", channel)
        .put("event", event)
        .put("id", id)
        .put("since", since)
        .put("token", channel)
        .put("user", channel)
        .put("address", channel)
        .put("limit", since)
        .put("timeout", since);
    decodesOrRefuses(frame.encode());
  }

  @Property(tries = 1000)
  void subscribeRoundTrips(@ForAll("channels") String channel, @ForAll("ids") Object id) {
    ClientFrame frame = FrameCodec.decode(
        withId(new JsonObject().put("type", "subscribe").put("channel", channel), id));
    assertThat(frame).isEqualTo(new ClientFrame.Subscribe(id, channel, null));
  }

  @Property(tries = 1000)
  void publishRoundTrips(
      @ForAll("channels") String channel,
      @ForAll("ids") Object id,
      @ForAll("events") JsonObject event) {
    ClientFrame frame = FrameCodec.decode(withId(
        new JsonObject().put("type", "publish").put("channel", channel).put("event", event), id));
    assertThat(frame).isEqualTo(new ClientFrame.Publish(id, channel, event));
  }

  @Property(tries = 1000)
  void directAndBroadcastRoundTrip(
      @ForAll @StringLength(min = 1, max = 40) String user,
      @ForAll("ids") Object id,
      @ForAll("events") JsonObject event) {
    assertThat(FrameCodec.decode(withId(
            new JsonObject().put("type", "direct").put("user", user).put("event", event), id)))
        .isEqualTo(new ClientFrame.Direct(id, user, event));
    assertThat(FrameCodec.decode(
            withId(new JsonObject().put("type", "broadcast").put("event", event), id)))
        .isEqualTo(new ClientFrame.Broadcast(id, event));
  }

  @Property(tries = 500)
  void shorthandEventsAreBroadcastOrPublished(
      @ForAll("events") JsonObject event, @ForAll("channels") String channel) {
    assertThat(FrameCodec.decode(event.encode())).isEqualTo(new ClientFrame.Broadcast(null, event));
    JsonObject withChannel = event.copy().put("channel", channel);
    assertThat(FrameCodec.decode(withChannel.encode()))
        .isEqualTo(new ClientFrame.Publish(null, channel, withChannel));
  }

  /** {@code presence} and {@code history} are requests as well as replies; every other server-only type is refused as a frame. */
  @Property(tries = 500)
  void serverOnlyTypesAreAlwaysRefusedAsEvents(
      @ForAll("serverOnly") String type, @ForAll("channels") String channel) {
    List<JsonObject> frames = isClientType(type)
        ? List.of(new JsonObject()
            .put("type", "publish")
            .put("channel", channel)
            .put("event", new JsonObject().put("type", type)))
        : List.of(
            new JsonObject().put("type", type),
            new JsonObject().put("type", type).put("channel", channel),
            new JsonObject()
                .put("type", "broadcast")
                .put("event", new JsonObject().put("type", type)));
    for (JsonObject frame : frames) {
      try {
        FrameCodec.decode(frame.encode());
        throw new AssertionError("accepted " + frame.encode());
      } catch (HubException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FRAME);
      }
    }
  }

  private static void decodesOrRefuses(String text) {
    try {
      assertThat(FrameCodec.decode(text)).isNotNull();
    } catch (HubException e) {
      assertThat(e.code())
          .isIn(ErrorCode.INVALID_JSON, ErrorCode.INVALID_FRAME, ErrorCode.BAD_CHANNEL);
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  private static String withId(JsonObject frame, Object id) {
    if (id != null) {
      frame.put("id", id);
    }
    return frame.encode();
  }

  /** A change to a frame's text: cut it, drop a character, or put one in. */
  record Mutation(int position, int kind, char character) {
    String apply(String text) {
      int at = Math.min(position, text.length());
      return switch (kind) {
        case 0 -> text.substring(0, at);
        case 1 -> at < text.length() ? text.substring(0, at) + text.substring(at + 1) : text;
        default -> text.substring(0, at) + character + text.substring(at);
      };
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 200),
            Arbitraries.integers().between(0, 2),
            Arbitraries.of(
                '{', '}', '[', ']', '"', ',', ':', '\\', '0', 'x', ' ', '\u0000', '\uFFFF',
                '\uD800'))
        .as(Mutation::new);
  }

  @Provide
  Arbitrary<String> channels() {
    return allowedStrings();
  }

  private static Arbitrary<String> allowedStrings() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withCharRange('0', '9')
        .withChars('_', '-', '.', ':', '@', '/')
        .ofMinLength(1)
        .ofMaxLength(ChannelNames.MAX_LENGTH);
  }

  @Provide
  Arbitrary<Object> ids() {
    return Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i));
  }

  @Provide
  Arbitrary<String> frameTypes() {
    return Arbitraries.of(
        "auth",
        "ping",
        "subscribe",
        "unsubscribe",
        "publish",
        "broadcast",
        "direct",
        "presence",
        "history",
        "rpc",
        "echo",
        "chat",
        "connected",
        "");
  }

  @Provide
  Arbitrary<String> serverOnly() {
    return Arbitraries.of(FrameTypes.SERVER_ONLY);
  }

  @Provide
  Arbitrary<JsonObject> events() {
    Arbitrary<String> types = Arbitraries.strings()
        .alpha()
        .ofMinLength(1)
        .ofMaxLength(12)
        .filter(t -> !FrameTypes.SERVER_ONLY.contains(t) && !isClientType(t));
    return Combinators.combine(types, Arbitraries.strings().ofMaxLength(30), Arbitraries.integers())
        .as((type, text, number) ->
            new JsonObject().put("type", type).put("text", text).put("n", number));
  }

  private static boolean isClientType(String type) {
    return List.of(
            "auth",
            "ping",
            "subscribe",
            "unsubscribe",
            "publish",
            "broadcast",
            "direct",
            "presence",
            "history",
            "rpc",
            "echo")
        .contains(type);
  }

  @Provide
  Arbitrary<JsonObject> validFrames() {
    return Arbitraries.oneOf(
        allowedStrings()
            .map(c -> new JsonObject().put("type", "subscribe").put("id", 1).put("channel", c)),
        events()
            .map(e ->
                new JsonObject().put("type", "publish").put("channel", "tasks").put("event", e)),
        events()
            .map(e -> new JsonObject().put("type", "direct").put("user", "bob").put("event", e)),
        Arbitraries.just(new JsonObject()
            .put("type", "history")
            .put("channel", "tasks")
            .put("since", new JsonObject().put("offset", 3).put("epoch", "e"))
            .put("limit", 10)),
        Arbitraries.just(new JsonObject()
            .put("type", "rpc")
            .put("address", "orders.create")
            .put("timeout", 100)),
        Arbitraries.just(new JsonObject().put("type", "auth").put("token", "a.b.c")));
  }

  @Provide
  Arbitrary<Object> anyValues() {
    return Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.strings().ofMaxLength(300).map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(new JsonObject()),
        Arbitraries.just(new JsonArray().add(1).add("x")),
        Arbitraries.just(new JsonObject().put("type", "chat")),
        Arbitraries.just(new JsonObject().put("offset", "x").put("epoch", 5)),
        Arbitraries.just(new JsonObject().put("offset", 1).put("epoch", "e")));
  }
}
