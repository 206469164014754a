package dev.hub.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The offline queue's bound and overflow policies, on a client that has not connected yet. */
class OfflineQueueTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HubClient client(HubClientOptions.Overflow overflow) {
    return HubClient.create(
        vertx,
        new HubClientOptions().setUrls(List.of("ws://127.0.0.1:1/ws")).setQueue(2, overflow));
  }

  private static JsonObject event(int n) {
    return new JsonObject().put("type", "e").put("n", n);
  }

  private static String code(Future<?> future) throws Exception {
    try {
      future.await(10, TimeUnit.SECONDS);
      return "none";
    } catch (HubClientException e) {
      return e.code();
    }
  }

  @Test
  void dropOldestFailsTheOldestRequestAndKeepsTheNewest() throws Exception {
    HubClient client = client(HubClientOptions.Overflow.DROP_OLDEST);
    Future<JsonObject> first = client.publish("c", event(1));
    Future<JsonObject> second = client.publish("c", event(2));
    Future<JsonObject> third = client.publish("c", event(3));
    assertThat(code(first)).isEqualTo("queue_full");
    assertThat(client.queued().await(10, TimeUnit.SECONDS)).isEqualTo(2);
    client.close().await(10, TimeUnit.SECONDS);
    assertThat(code(second)).isEqualTo("closed");
    assertThat(code(third)).isEqualTo("closed");
  }

  @Test
  void rejectFailsTheNewRequestAndKeepsTheQueued() throws Exception {
    HubClient client = client(HubClientOptions.Overflow.REJECT);
    Future<JsonObject> first = client.publish("c", event(1));
    client.publish("c", event(2));
    Future<JsonObject> third = client.publish("c", event(3));
    assertThat(code(third)).isEqualTo("queue_full");
    assertThat(client.queued().await(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(first.isComplete()).isFalse();
    client.close().await(10, TimeUnit.SECONDS);
  }
}
