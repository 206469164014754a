package dev.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClaimsTest {

  @Test
  void readsEveryClaimTheHubUses() {
    Identity identity = Claims.identity(new JsonObject("""
        {"sub":"alice","exp":1900000000,"channels":["room:*"],"publish":["room:lobby"],
         "broadcast":true,"rpc":["orders.*"],"admin":true}"""));
    assertThat(identity.user()).isEqualTo("alice");
    assertThat(identity.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_900_000_000L));
    assertThat(identity.grants().maySubscribe("room:1")).isTrue();
    assertThat(identity.grants().mayPublish("room:lobby")).isTrue();
    assertThat(identity.grants().broadcast()).isTrue();
    assertThat(identity.grants().mayCall("orders.create")).isTrue();
    assertThat(identity.grants().admin()).isTrue();
  }

  @Test
  void missingClaimsGrantNothing() {
    Identity identity = Claims.identity(new JsonObject("{\"sub\":\"bob\"}"));
    assertThat(identity.expiresAt()).isNull();
    assertThat(identity.grants().maySubscribe("tasks")).isFalse();
    assertThat(identity.grants().broadcast()).isFalse();
    assertThat(identity.grants().admin()).isFalse();
  }

  @Test
  void illTypedClaimsRefuseTheToken() {
    for (String payload : new String[] {
      "{\"sub\":42}",
      "{\"sub\":\"\"}",
      "{\"channels\":\"room:*\"}",
      "{\"publish\":[1]}",
      "{\"rpc\":[\"\"]}",
      "{\"broadcast\":\"true\"}",
      "{\"admin\":1}",
      "{\"exp\":\"soon\"}"
    }) {
      assertThatThrownBy(() -> Claims.identity(new JsonObject(payload)))
          .as(payload)
          .isInstanceOfSatisfying(
              HubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }
  }
}
