package dev.hub.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.HubTestClient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Client frames, requests and checks of server frames for the delivery contract (docs/protocol.md
 * sections 2 and 3).
 */
final class Frames {
  private Frames() {}

  /** A client frame of this type with this {@code id}, for the caller to fill in. */
  static JsonObject frame(String type, String id) {
    return new JsonObject().put("type", type).put("id", id);
  }

  /** A {@code publish} with {@code id} {@code "p<n>"} of event {@code {"type":"entry","n":n}}. */
  static JsonObject publishEntry(String channel, int n) {
    return frame("publish", "p" + n)
        .put("channel", channel)
        .put("event", new JsonObject().put("type", "entry").put("n", n));
  }

  /** Frames of this type. */
  static Predicate<JsonObject> ofType(String type) {
    return frame -> type.equals(frame.getString("type"));
  }

  /** A {@code join} or {@code leave} of this user. */
  static Predicate<JsonObject> notice(String type, String user) {
    return frame -> type.equals(frame.getString("type")) && user.equals(frame.getString("user"));
  }

  /** The event without its {@code timestamp}, once that is checked to be ISO-8601 UTC. */
  static JsonObject withoutTimestamp(JsonObject event) {
    JsonObject copy = event.copy();
    Object timestamp = copy.remove("timestamp");
    assertThat(timestamp).as("timestamp of %s", event).isInstanceOf(String.class);
    Instant.parse((String) timestamp);
    return copy;
  }

  /** Subscribes and checks that the reply is {@code subscribed}, which it returns. */
  static JsonObject subscribe(HubTestClient client, String channel) {
    JsonObject reply = client.request(
        frame("subscribe", "s-" + channel).put("channel", channel), DeliveryContract.WAIT);
    assertThat(reply.getString("type")).as("reply to subscribe: %s", reply).isEqualTo("subscribed");
    return reply;
  }

  /** Sends a request that must fail and returns its error code. */
  static String codeOf(HubTestClient client, JsonObject request) {
    JsonObject reply = client.request(request, DeliveryContract.WAIT);
    assertThat(reply.getString("type")).as("reply to %s", request).isEqualTo("error");
    return reply.getString("code");
  }

  /** The {@code messages} of a {@code history} reply. */
  static List<JsonObject> messages(JsonObject history) {
    return history.getJsonArray("messages").stream().map(m -> (JsonObject) m).toList();
  }
}
