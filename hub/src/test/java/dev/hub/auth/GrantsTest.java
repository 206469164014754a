package dev.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.routing.Addresses;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantsTest {
  private static List<ChannelPattern> patterns(String... patterns) {
    return List.of(patterns).stream().map(ChannelPattern::of).toList();
  }

  private static final Grants ALICE = new Grants(
      patterns("room:*", "tasks"),
      patterns("room:lobby", "user:bob"),
      false,
      patterns("orders.*", "billing.quote"),
      false);

  @Test
  void channelPatternsMatchExactNamesAndPrefixes() {
    assertThat(ALICE.maySubscribe("tasks")).isTrue();
    assertThat(ALICE.maySubscribe("tasks:2")).isFalse();
    assertThat(ALICE.maySubscribe("room:")).isTrue();
    assertThat(ALICE.maySubscribe("room:42")).isTrue();
    assertThat(ALICE.maySubscribe("rooms")).isFalse();
    assertThat(ALICE.mayPublish("room:lobby")).isTrue();
    assertThat(ALICE.mayPublish("room:42"))
        .as("subscribing does not grant publishing")
        .isFalse();
    assertThat(ALICE.mayPublish("tasks")).isFalse();
  }

  @Test
  void directNeedsBroadcastOrAPublishPatternForTheUserAudience() {
    assertThat(ALICE.mayDirect("bob")).isTrue();
    assertThat(ALICE.mayDirect("carol")).isFalse();
    Grants broadcaster = new Grants(List.of(), List.of(), true, List.of(), false);
    assertThat(broadcaster.mayDirect("carol")).isTrue();
    Grants users = new Grants(List.of(), patterns("user:*"), false, List.of(), false);
    assertThat(users.mayDirect("anyone")).isTrue();
  }

  @Test
  void rpcFollowsTheClaimButNeverReachesTheHubsOwnAddresses() {
    assertThat(ALICE.mayCall("orders.create")).isTrue();
    assertThat(ALICE.mayCall("billing.quote")).isTrue();
    assertThat(ALICE.mayCall("billing.refund")).isFalse();
    assertThat(ALICE.mayCall("ordersX")).isFalse();
    Grants everything = Grants.everything();
    assertThat(everything.mayCall("any.service")).isTrue();
    assertThat(everything.mayCall(Addresses.PUBLISH)).isFalse();
    assertThat(everything.mayCall(Addresses.FANOUT)).isFalse();
    Grants hubClaim = new Grants(List.of(), List.of(), false, patterns("hub.*", "*"), false);
    assertThat(hubClaim.mayCall("hub.publish")).isFalse();
    assertThat(Grants.HUB_ADDRESS_PREFIX).isEqualTo(Addresses.HUB_PREFIX);
  }

  @Test
  void noClaimsMeansNoPermission() {
    Grants none = new Grants(List.of(), List.of(), false, List.of(), false);
    assertThat(none.maySubscribe("tasks")).isFalse();
    assertThat(none.mayPublish("tasks")).isFalse();
    assertThat(none.mayDirect("bob")).isFalse();
    assertThat(none.mayCall("orders.create")).isFalse();
    assertThat(none.admin()).isFalse();
  }
}
