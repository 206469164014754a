package dev.hub.contract;

import static dev.hub.contract.Frames.codeOf;
import static dev.hub.contract.Frames.frame;
import static dev.hub.contract.Frames.messages;
import static dev.hub.contract.Frames.notice;
import static dev.hub.contract.Frames.ofType;
import static dev.hub.contract.Frames.publishEntry;
import static dev.hub.contract.Frames.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hub.publisher.HubPublisher;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The delivery contract of docs/protocol.md (sections 2 to 4, 7 and 8), written once and run on
 * one node ({@link OneNodeDeliveryTest}) and on three ({@link ThreeNodeDeliveryIT}), with real
 * WebSocket clients, as vertx-core's {@code EventBusTestBase} runs one suite on one node or N.
 * Clients go to node {@code k % size}, so on three nodes every audience spans nodes and on one the
 * same scenario runs on a single node.
 *
 * <p>"Once" and "nobody else" are checked without sleeping: counts are read after a fence from
 * every node has reached every client of the case ({@link Clients#fence()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeliveryContract {
  static final Duration WAIT = HubCluster.TIMEOUT;

  /** History channels ({@code ledger:*}) and presence channels with join and leave ({@code room:*}). */
  static final UnaryOperator<JsonObject> CHANNELS = settings -> settings.put(
      "channels",
      new JsonArray()
          .add(new JsonObject()
              .put("pattern", "ledger:*")
              .put("history", new JsonObject().put("size", 10_000).put("ttl", "1h")))
          .add(new JsonObject()
              .put("pattern", "room:*")
              .put("presence", true)
              .put("joinLeave", true)));

  private Nodes nodes;
  private Clients clients;
  private int requests;

  /** Starts the nodes under test with these settings over open mode on free loopback ports. */
  abstract Nodes start(UnaryOperator<JsonObject> settings) throws Exception;

  @BeforeAll
  void startNodes() throws Exception {
    nodes = start(CHANNELS);
    clients = new Clients(nodes);
  }

  @AfterAll
  void stopNodes() {
    if (clients != null) {
      clients.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.closeCaseClients();
  }

  // Audiences: each reaches exactly its connections, once.

  @Test
  void aChannelEventReachesEachSubscriberOnEveryNodeOnceAndNobodyElse() {
    List<HubTestClient> subscribers =
        List.of(connect(0, "sub-a"), connect(1, "sub-b"), connect(2, "sub-c"));
    List<HubTestClient> others =
        List.of(connect(0, "other-a"), connect(1, "other-b"), connect(2, "other-c"));
    subscribers.forEach(client -> subscribe(client, "tasks"));
    HubTestClient publisher = connect(2, "alice");
    JsonObject ack = publisher.request(
        frame("publish", "p1")
            .put("channel", "tasks")
            .put("event", new JsonObject().put("type", "task_created").put("taskId", 7)),
        WAIT);
    assertThat(ack).isEqualTo(new JsonObject().put("type", "ack").put("id", "p1"));
    fence();
    JsonObject expected = new JsonObject()
        .put("type", "task_created")
        .put("taskId", 7)
        .put("channel", "tasks")
        .put("from", "alice");
    for (HubTestClient subscriber : subscribers) {
      assertThat(subscriber.received(ofType("task_created")))
          .extracting(Frames::withoutTimestamp)
          .containsExactly(expected);
    }
    for (HubTestClient client : concat(others, List.of(publisher))) {
      assertThat(client.received(ofType("task_created"))).isEmpty();
    }
  }

  @Test
  void aUserEventReachesEveryConnectionOfThatUserOnEveryNodeOnceAndNobodyElse() {
    List<HubTestClient> alice = List.of(connect(0, "alice"), connect(2, "alice"));
    List<HubTestClient> others =
        List.of(connect(0, "bob"), connect(1, "carol"), connect(2, "dave"));
    HubTestClient sender = connect(1, "erin");
    JsonObject ack = sender.request(
        frame("direct", "d1")
            .put("user", "alice")
            .put("event", new JsonObject().put("type", "nudge").put("n", 1)),
        WAIT);
    assertThat(ack.getString("type")).isEqualTo("ack");
    fence();
    JsonObject expected = new JsonObject().put("type", "nudge").put("n", 1).put("from", "erin");
    for (HubTestClient connection : alice) {
      assertThat(connection.received(ofType("nudge")))
          .extracting(Frames::withoutTimestamp)
          .containsExactly(expected);
    }
    for (HubTestClient client : concat(others, List.of(sender))) {
      assertThat(client.received(ofType("nudge"))).isEmpty();
    }
  }

  @Test
  void aBroadcastReachesEveryConnectionOnEveryNodeOnce() {
    List<HubTestClient> everyone =
        List.of(connect(0, "bob"), connect(1, "carol"), connect(2, "dave"), connect(2, "dave"));
    HubTestClient sender = everyone.get(0);
    // The shorthand of the original clients: an event type that is no frame type is broadcast.
    JsonObject ack = sender.request(
        new JsonObject()
            .put("type", "chat")
            .put("id", "c1")
            .put("payload", new JsonObject().put("message", "Hello")),
        WAIT);
    assertThat(ack.getString("type")).isEqualTo("ack");
    fence();
    JsonObject expected = new JsonObject()
        .put("type", "chat")
        .put("payload", new JsonObject().put("message", "Hello"))
        .put("from", "bob");
    for (HubTestClient client : everyone) {
      assertThat(client.received(ofType("chat")))
          .extracting(Frames::withoutTimestamp)
          .containsExactly(expected);
    }
  }

  @Test
  void aJvmServicePublishReachesItsAudienceOnceAndABadRequestIsRefusedWithItsReason()
      throws Exception {
    List<HubTestClient> subscribers =
        List.of(connect(0, "sub-a"), connect(1, "sub-b"), connect(2, "sub-c"));
    HubTestClient other = connect(1, "other");
    subscribers.forEach(client -> subscribe(client, "service-tasks"));
    HubPublisher publisher = new HubPublisher(nodes.service().eventBus());
    HubPublisher.Receipt receipt = publisher
        .toChannel("service-tasks", new JsonObject().put("type", "task_created").put("taskId", 500))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(receipt.offset())
        .as("the offset of an event of a channel without history")
        .isNull();
    fence();
    for (HubTestClient subscriber : subscribers) {
      assertThat(subscriber.received(ofType("task_created")))
          .singleElement()
          .satisfies(
              event -> assertThat(List.of(event.getInteger("taskId"), event.getString("channel")))
                  .containsExactly(500, "service-tasks"));
    }
    assertThat(other.received(ofType("task_created"))).isEmpty();
    assertThatThrownBy(() -> publisher
            .toChannel("service-tasks", null)
            .await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ReplyException.class)
        .hasMessageStartingWith("invalid_frame")
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(400));
  }

  // History channels.

  @Test
  void twoPublishersOnTwoNodesGiveEverySubscriberOneOrderOfOffsetsWithNoGap() {
    List<HubTestClient> subscribers = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      HubTestClient subscriber = connect(k, "reader-" + k);
      assertThat(subscribe(subscriber, "ledger:order").getLong("offset")).isZero();
      subscribers.add(subscriber);
    }
    HubTestClient writerA = connect(0, "writer-a");
    HubTestClient writerB = connect(1, "writer-b");
    int perWriter = 150;
    // Both writers send everything at once: their appends interleave in the history, and each
    // node hears the two streams in whatever order the network gives.
    for (int n = 0; n < perWriter; n++) {
      writerA.send(publishTick("a", n));
      writerB.send(publishTick("b", n));
    }
    int total = 2 * perWriter;
    for (HubTestClient subscriber : subscribers) {
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> subscriber.received(ofType("tick")).size() >= total);
    }
    List<Long> offsets = IntStream.rangeClosed(1, total).mapToObj(i -> (long) i).toList();
    List<String> firstOrder = ticks(subscribers.get(0));
    for (HubTestClient subscriber : subscribers) {
      List<JsonObject> events = subscriber.received(ofType("tick"));
      assertThat(events)
          .extracting(e -> e.getLong("offset"))
          .as("offsets")
          .containsExactlyElementsOf(offsets);
      assertThat(ticks(subscriber))
          .as("the same events at the same offsets everywhere")
          .isEqualTo(firstOrder);
      assertThat(events)
          .extracting(e -> e.getString("epoch"))
          .containsOnly(events.get(0).getString("epoch"));
    }
    assertThat(firstOrder).hasSize(total).doesNotHaveDuplicates();
  }

  @Test
  void subscribeWithSinceReplaysWhatWasMissedThenGoesLiveWithoutRepeats() {
    HubTestClient publisher = connect(0, "alice");
    String epoch = null;
    for (int n = 1; n <= 5; n++) {
      JsonObject ack = publisher.request(publishEntry("ledger:since", n), WAIT);
      assertThat(ack.getLong("offset")).isEqualTo(n);
      epoch = ack.getString("epoch");
    }
    HubTestClient late = connect(2, "bob");
    JsonObject subscribed = late.request(
        frame("subscribe", "s")
            .put("channel", "ledger:since")
            .put("since", new JsonObject().put("offset", 2).put("epoch", epoch)),
        WAIT);
    assertThat(List.of(
            subscribed.getString("type"),
            subscribed.getBoolean("recovered"),
            subscribed.getLong("offset"),
            subscribed.getString("epoch")))
        .containsExactly("subscribed", true, 5L, epoch);
    publisher.request(publishEntry("ledger:since", 6), WAIT);
    late.awaitReceived(ofType("entry"), 4);
    fence();
    List<JsonObject> entries = late.received(ofType("entry"));
    assertThat(entries).extracting(e -> e.getInteger("n")).containsExactly(3, 4, 5, 6);
    assertThat(entries).extracting(e -> e.getLong("offset")).containsExactly(3L, 4L, 5L, 6L);
    assertThat(late.received().indexOf(subscribed))
        .as("subscribed comes before the replay")
        .isLessThan(late.received().indexOf(entries.get(0)));
  }

  @Test
  void sinceInAnotherEpochIsNotRecoveredAndReplaysNothing() {
    HubTestClient publisher = connect(0, "alice");
    String epoch = publisher.request(publishEntry("ledger:epoch", 1), WAIT).getString("epoch");
    HubTestClient late = connect(1, "bob");
    JsonObject subscribed = late.request(
        frame("subscribe", "s")
            .put("channel", "ledger:epoch")
            .put("since", new JsonObject().put("offset", 0).put("epoch", "not-this-one")),
        WAIT);
    assertThat(List.of(
            subscribed.getBoolean("recovered"),
            subscribed.getLong("offset"),
            subscribed.getString("epoch")))
        .containsExactly(false, 1L, epoch);
    publisher.request(publishEntry("ledger:epoch", 2), WAIT);
    fence();
    assertThat(late.received(ofType("entry")))
        .extracting(e -> e.getInteger("n"))
        .containsExactly(2);
  }

  @Test
  void theHistoryFrameAnswersOnEveryNodeOldestFirstWithinLimitAndSince() {
    HubTestClient publisher = connect(0, "alice");
    String epoch = null;
    for (int n = 1; n <= 3; n++) {
      epoch = publisher.request(publishEntry("ledger:query", n), WAIT).getString("epoch");
    }
    HubTestClient reader = connect(2, "bob");
    JsonObject all = reader.request(frame("history", "h1").put("channel", "ledger:query"), WAIT);
    assertThat(List.of(all.getString("type"), all.getLong("offset"), all.getString("epoch")))
        .containsExactly("history", 3L, epoch);
    assertThat(messages(all)).extracting(m -> m.getInteger("n")).containsExactly(1, 2, 3);
    JsonObject newest =
        reader.request(frame("history", "h2").put("channel", "ledger:query").put("limit", 2), WAIT);
    assertThat(messages(newest)).extracting(m -> m.getLong("offset")).containsExactly(2L, 3L);
    JsonObject after = reader.request(
        frame("history", "h3")
            .put("channel", "ledger:query")
            .put("since", new JsonObject().put("offset", 1).put("epoch", epoch)),
        WAIT);
    assertThat(messages(after)).extracting(m -> m.getInteger("n")).containsExactly(2, 3);
  }

  @Test
  void aBinaryEventReachesSubscribersOnEveryNodeAsABinaryFrameWithItsPosition() {
    List<HubTestClient> subscribers =
        List.of(connect(0, "sub-a"), connect(1, "sub-b"), connect(2, "sub-c"));
    subscribers.forEach(client -> subscribe(client, "ledger:files"));
    HubTestClient publisher = connect(1, "alice");
    byte[] header = frame("publish", "b1")
        .put("channel", "ledger:files")
        .put("event", new JsonObject().put("type", "upload").put("name", "a.bin"))
        .encode()
        .getBytes(StandardCharsets.UTF_8);
    publisher.sendBinary(
        Buffer.buffer().appendInt(header.length).appendBytes(header).appendBytes(new byte[] {1, 2, 3
        }));
    JsonObject ack = publisher.await(reply -> "b1".equals(reply.getValue("id")), WAIT);
    assertThat(List.of(ack.getString("type"), ack.getLong("offset"))).containsExactly("ack", 1L);
    for (HubTestClient subscriber : subscribers) {
      Buffer frame = subscriber.awaitBinary();
      int length = frame.getInt(0);
      JsonObject event = new JsonObject(frame.slice(4, 4 + length));
      assertThat(List.of(
              event.getString("type"),
              event.getString("channel"),
              event.getString("from"),
              event.getLong("offset"),
              event.getString("epoch")))
          .containsExactly("upload", "ledger:files", "alice", 1L, ack.getString("epoch"));
      assertThat(frame.getBytes(4 + length, frame.length())).containsExactly(1, 2, 3);
    }
  }

  // Presence.

  @Test
  void presenceIsTheSameOnEveryNodeAndJoinsAndLeavesReachSubscribersOnce() {
    HubTestClient carol = connect(1, "carol");
    subscribe(carol, "room:lobby");
    HubTestClient alice = connect(0, "alice");
    HubTestClient bobOnPhone = connect(2, "bob");
    HubTestClient bobOnLaptop = connect(3, "bob");
    subscribe(alice, "room:lobby");
    subscribe(bobOnPhone, "room:lobby");
    carol.await(notice("join", "bob"), WAIT);
    subscribe(bobOnLaptop, "room:lobby");
    carol.await(notice("join", "alice"), WAIT);
    JsonObject presence = carol.request(frame("presence", "p1").put("channel", "room:lobby"), WAIT);
    assertThat(presence.getInteger("count")).isEqualTo(3);
    assertThat(presence.getJsonArray("users"))
        .containsExactlyInAnyOrder(
            new JsonObject().put("user", "carol").put("connections", 1),
            new JsonObject().put("user", "alice").put("connections", 1),
            new JsonObject().put("user", "bob").put("connections", 2));
    for (int node = 0; node < nodes.size(); node++) {
      assertThat(new JsonObject(NodeHttp.get(nodes.port(node), "/api/channels/room:lobby/presence")
                  .body())
              .getInteger("count"))
          .as("presence over HTTP on node %d", node + 1)
          .isEqualTo(3);
    }

    // One of bob's connections goes: bob stays. His last one leaves: bob leaves, once.
    bobOnPhone.close();
    Awaitility.await().atMost(WAIT).until(() -> connectionsOf(alice, "bob") == 1);
    bobOnLaptop.request(frame("unsubscribe", "u1").put("channel", "room:lobby"), WAIT);
    alice.await(notice("leave", "bob"), WAIT);
    fence();
    for (HubTestClient watcher : List.of(carol, alice)) {
      assertThat(watcher.received(notice("leave", "bob")))
          .singleElement()
          .isEqualTo(new JsonObject()
              .put("type", "leave")
              .put("channel", "room:lobby")
              .put("user", "bob"));
      assertThat(watcher.received(frame -> "leave".equals(frame.getString("type"))))
          .hasSize(1);
    }
    assertThat(carol.received(notice("join", "bob")))
        .singleElement()
        .isEqualTo(
            new JsonObject().put("type", "join").put("channel", "room:lobby").put("user", "bob"));
    JsonObject after = alice.request(frame("presence", "p2").put("channel", "room:lobby"), WAIT);
    assertThat(after.getJsonArray("users"))
        .extracting(u -> ((JsonObject) u).getString("user"))
        .containsExactlyInAnyOrder("alice", "carol");
  }

  // Requests to JVM services.

  @Test
  void rpcReachesTheServiceWithTheCallerAndEveryFailureHasItsCode() throws Exception {
    Vertx service = nodes.service();
    service
        .eventBus()
        .<JsonObject>consumer(
            "orders.lookup",
            message -> message.reply(new JsonObject()
                .put("order", message.body().getInteger("id"))
                .put("caller", message.headers().get("hub-user"))
                .put("connection", message.headers().get("hub-connection"))))
        .completion()
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    service
        .eventBus()
        .consumer("orders.fail", message -> message.fail(409, "sku retired"))
        .completion()
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    service
        .eventBus()
        .consumer("orders.slow", message -> {})
        .completion()
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    HubTestClient client = connect(2, "dave");
    String connectionId = client.received().get(0).getString("connectionId");
    // A service's consumers become known to the other members asynchronously: ask until they are.
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> !"no_handler"
            .equals(client
                .request(
                    frame("rpc", "probe-" + requests++)
                        .put("address", "orders.lookup")
                        .put("body", new JsonObject().put("id", 0)),
                    WAIT)
                .getString("code")));
    JsonObject result = client.request(
        frame("rpc", "r1")
            .put("address", "orders.lookup")
            .put("body", new JsonObject().put("id", 7)),
        WAIT);
    assertThat(result)
        .isEqualTo(new JsonObject()
            .put("type", "rpc_result")
            .put("id", "r1")
            .put(
                "body",
                new JsonObject()
                    .put("order", 7)
                    .put("caller", "dave")
                    .put("connection", connectionId)));
    JsonObject failed = client.request(frame("rpc", "r2").put("address", "orders.fail"), WAIT);
    assertThat(List.of(
            failed.getString("type"), failed.getString("code"), failed.getString("message")))
        .containsExactly("error", "rpc_failed", "sku retired");
    assertThat(codeOf(client, frame("rpc", "r3").put("address", "orders.slow").put("timeout", 300)))
        .isEqualTo("timeout");
    assertThat(codeOf(client, frame("rpc", "r4").put("address", "nobody.here")))
        .isEqualTo("no_handler");
    assertThat(codeOf(client, frame("rpc", "r5").put("address", "hub.publish")))
        .isEqualTo("forbidden");
    assertThat(codeOf(client, frame("rpc", "r6").put("address", "hub.fanout")))
        .isEqualTo("forbidden");
  }

  // Helpers.

  /** A client on node {@code k % size}, closed after the case. */
  private HubTestClient connect(int k, String user) {
    return clients.connect(k, user);
  }

  private void fence() {
    clients.fence();
  }

  private static int connectionsOf(HubTestClient asker, String user) {
    JsonObject presence = asker.request(
        frame("presence", "p-" + System.nanoTime()).put("channel", "room:lobby"), WAIT);
    return presence.getJsonArray("users").stream()
        .map(u -> (JsonObject) u)
        .filter(u -> user.equals(u.getString("user")))
        .mapToInt(u -> u.getInteger("connections"))
        .sum();
  }

  private static List<String> ticks(HubTestClient subscriber) {
    return subscriber.received(ofType("tick")).stream()
        .map(t -> t.getString("name"))
        .toList();
  }

  private static JsonObject publishTick(String writer, int n) {
    return new JsonObject()
        .put("type", "publish")
        .put("channel", "ledger:order")
        .put("event", new JsonObject().put("type", "tick").put("name", writer + n));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
