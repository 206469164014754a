package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.multimap.MultiMap;
import dev.hub.node.HubNode;
import dev.hub.testkit.FreePorts;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that joins a running cluster says ready only once the other members send it their events.
 * They learn of its fan-out consumers through Hazelcast's subscription map, asynchronously: an event
 * published on a member that has not heard yet never reaches the new node. As a load balancer would,
 * the test polls the joining node's {@code /ready} while it starts; the moment it turns 200 a client
 * subscribes there to a channel without history (nothing recovers a missed event), and both other
 * nodes publish to it at once.
 *
 * <p>On an idle machine a member hears within milliseconds, so the race is rarely lost by itself;
 * each join therefore has the other members hear late, as a loaded member does: their
 * subscription-map events are held for up to {@link #STALL} behind one the test holds.
 */
class JoiningNodeReadinessIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  /** How long an event already published may take to arrive; a missed one never does. */
  private static final Duration ARRIVAL = Duration.ofSeconds(5);
  /** The longest the other members hear of the joining node's registrations late. */
  private static final Duration STALL = Duration.ofSeconds(3);

  private static final int JOINS = 3;

  private final Vertx clients = Vertx.vertx();

  @AfterEach
  void closeClients() throws Exception {
    clients.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aClientOnANodeThatJustTurnedReadyGetsEventsPublishedAtOnceOnEveryOtherNode()
      throws Exception {
    try (HubCluster cluster = HubCluster.start(3)) {
      List<HubTestClient> publishers =
          List.of(cluster.connect(0, "pub-1"), cluster.connect(1, "pub-2"));
      List<String> missed = new ArrayList<>();
      for (int join = 1; join <= JOINS; join++) {
        String nodeId = "joiner-" + join;
        CountDownLatch published = new CountDownLatch(1);
        List<Runnable> unstall =
            List.of(stall(cluster.node(0), published), stall(cluster.node(1), published));
        int port = FreePorts.one();
        CompletableFuture<HubNode> starting = CompletableFuture.supplyAsync(
            () -> cluster.startNode(nodeId, json -> json.put("port", port)));
        try {
          awaitReady(port);
          String channel = "live-" + join;
          try (HubTestClient subscriber =
              HubTestClient.connect(clients, port, "/ws?user=sub-" + join, WAIT)) {
            subscriber.request(
                new JsonObject().put("type", "subscribe").put("id", "s").put("channel", channel),
                WAIT);
            for (int p = 0; p < publishers.size(); p++) {
              publishers
                  .get(p)
                  .send(new JsonObject()
                      .put("type", "publish")
                      .put("channel", channel)
                      .put(
                          "event",
                          new JsonObject().put("type", "tick").put("origin", "node-" + (p + 1))));
            }
            published.countDown();
            for (int p = 0; p < publishers.size(); p++) {
              String origin = "node-" + (p + 1);
              try {
                subscriber.await(frame -> origin.equals(frame.getString("origin")), ARRIVAL);
              } catch (AssertionError notArrived) {
                missed.add(nodeId + " missed the event published on " + origin);
              }
            }
          }
        } finally {
          published.countDown();
          unstall.forEach(Runnable::run);
          HubNode joined = starting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          cluster.stopNode(cluster.nodes().indexOf(joined));
        }
      }
      assertThat(missed)
          .as("events published on other nodes the moment a joining node said ready")
          .isEmpty();
    }
  }

  /** Polls {@code /ready} closely, as a load balancer's first probe after the port opens would find it. */
  private static void awaitReady(int port) {
    Awaitility.await()
        .atMost(WAIT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .ignoreExceptions()
        .until(() -> NodeHttp.get(port, "/ready").statusCode() == 200);
  }

  /**
   * Makes a member hear late of the subscription-map changes to come: Hazelcast hands a map's events
   * to its listeners on one thread per map (the map name is their order key), so a listener that
   * holds the joining node's first registration ({@code hub.publish}, made before its fan-out
   * consumers) holds Vert.x's view of every later one behind it, until the test has published or
   * {@link #STALL} has passed.
   *
   * @return removes the listener
   */
  private static Runnable stall(HubNode member, CountDownLatch published) {
    MultiMap<String, Object> subscriptions =
        HubCluster.hazelcast(member).getMultiMap("__vertx.subs");
    AtomicBoolean held = new AtomicBoolean();
    UUID listener = subscriptions.addEntryListener(
        new EntryAdapter<>() {
          @Override
          public void entryAdded(EntryEvent<String, Object> event) {
            if (held.compareAndSet(false, true)) {
              try {
                published.await(STALL.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        },
        "hub.publish",
        false);
    return () -> subscriptions.removeEntryListener(listener);
  }
}
