package dev.hub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audience keys nodes put on every fan-out message (docs/protocol.md section 3), both ways. */
class AudienceTest {

  @Test
  void eachAudienceHasItsKeyAndIsParsedBackToItself() {
    assertThat(Audience.all().key()).isEqualTo("all");
    assertThat(Audience.channel("room:1/a").key()).isEqualTo("channel:room:1/a");
    assertThat(Audience.user("alice@example.com").key()).isEqualTo("user:alice@example.com");
    for (Audience audience : List.of(
        Audience.all(),
        Audience.channel("tasks"),
        Audience.channel("room:1/a"),
        Audience.user("alice"),
        Audience.user("user:channel:x"))) {
      assertThat(Audience.parse(audience.key())).as(audience.key()).isEqualTo(audience);
    }
    assertThat(Audience.parse("all")).isSameAs(Audience.all());
  }

  @Test
  void aChannelAndAUserOfTheSameNameAreDifferentAudiences() {
    assertThat(Audience.channel("alice")).isNotEqualTo(Audience.user("alice"));
    assertThat(Audience.parse("channel:alice")).isInstanceOf(Audience.Channel.class);
    assertThat(Audience.parse("user:alice")).isInstanceOf(Audience.User.class);
  }

  @Test
  void aKeyNoNodeWritesParsesToNull() {
    List<String> bad = Arrays.asList(
        null,
        "",
        "ALL",
        " all",
        "all ",
        "everyone",
        "channel",
        "user",
        "chan:tasks",
        "Channel:tasks",
        "USER:alice",
        "channel:",
        "user:");
    for (String key : bad) {
      assertThat(Audience.parse(key))
          .as("Audience.parse(%s)", key == null ? null : "\"" + key + "\"")
          .isNull();
    }
  }
}
