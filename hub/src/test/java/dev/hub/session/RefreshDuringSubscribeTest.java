package dev.hub.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hub.auth.Authenticator;
import dev.hub.auth.ChannelPattern;
import dev.hub.auth.Credentials;
import dev.hub.auth.Grants;
import dev.hub.auth.Identity;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.node.GatewayServices;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.presence.PresenceChange;
import dev.hub.presence.PresenceEntry;
import dev.hub.presence.PresenceStore;
import dev.hub.protocol.FrameCodec;
import dev.hub.routing.Audience;
import dev.hub.routing.FanoutEvent;
import dev.hub.routing.LocalRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A token refresh that lands while a subscribe is still in flight (its presence write has not
 * answered yet, as a cluster store may take milliseconds): the refresh ends the subscription it no
 * longer allows, and the subscribe must then fail with {@code forbidden} rather than confirm it.
 */
class RefreshDuringSubscribeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private Context context;
  private final RecordingOutbound out = new RecordingOutbound();
  private final HeldPresence presence = new HeldPresence();
  private LocalRegistry registry;
  private Session session;

  /** Grants from the token's text: "room" allows {@code room:*}, anything else nothing. */
  private static Grants grants(String token) {
    List<ChannelPattern> channels =
        "room".equals(token) ? List.of(ChannelPattern.of("room:*")) : List.of();
    return new Grants(channels, List.of(), false, List.of(), false);
  }

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    HubConfig config = ConfigReader.read(new JsonObject()
        .put("open", true)
        .put("nodeId", "node-1")
        .put(
            "channels",
            new JsonArray().add(new JsonObject().put("pattern", "room:*").put("presence", true))));
    Authenticator tokens = new Authenticator() {
      @Override
      public Future<Optional<Identity>> authenticate(Credentials credentials) {
        return Future.succeededFuture(Optional.empty());
      }

      @Override
      public Future<Identity> authenticate(String token, Identity current) {
        return Future.succeededFuture(new Identity(current.user(), grants(token), null));
      }
    };
    GatewayServices gateway = GatewayServices.builder(vertx, config)
        .authenticator(tokens)
        .presence(presence)
        .build();
    SessionServices services = gateway.sessions(vertx);
    registry = services.registry();
    onContext(() -> {
      gateway.clusterBus().attach(registry);
      session = new Session("conn-1", new Identity("alice", grants("room"), null), out, services);
      session.open();
    });
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSubscribeInFlightWhenTheRefreshRefusesItFailsForbidden() throws Exception {
    onContext(() -> session.handle(
        FrameCodec.decode("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"room:1\"}")));
    await().atMost(WAIT).until(() -> presence.held != null);
    onContext(() ->
        session.handle(FrameCodec.decode("{\"type\":\"auth\",\"id\":2,\"token\":\"nothing\"}")));
    await().atMost(WAIT).until(() -> !out.ofType("authenticated").isEmpty());
    onContext(presence::release);
    await()
        .atMost(WAIT)
        .until(() -> !out.ofType("error").isEmpty() || !out.ofType("subscribed").isEmpty());

    assertThat(out.framesAfter(1))
        .containsExactly(
            new JsonObject(
                "{\"type\":\"unsubscribed\",\"channel\":\"room:1\",\"reason\":\"forbidden\"}"),
            new JsonObject("{\"type\":\"authenticated\",\"id\":2,\"user\":\"alice\"}"),
            new JsonObject("{\"type\":\"error\",\"id\":1,\"code\":\"forbidden\","
                + "\"message\":\"the token no longer allows room:1\"}"));
    CompletableFuture<Integer> recipients = new CompletableFuture<>();
    context.runOnContext(v -> recipients.complete(registry.deliver(FanoutEvent.unnumbered(
        Audience.channel("room:1"), Buffer.buffer("{\"type\":\"x\"}"), false))));
    assertThat(recipients.get(10, TimeUnit.SECONDS))
        .as("sessions still in room:1")
        .isZero();
  }

  private void onContext(Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        action.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The node's in-memory presence, whose first {@code add} answers only when the test says so. */
  private static final class HeldPresence implements PresenceStore {
    private final LocalPresenceStore store = new LocalPresenceStore();
    private volatile Promise<PresenceChange> held;
    private PresenceChange change;

    @Override
    public Future<PresenceChange> add(String channel, PresenceEntry entry) {
      // The write itself is done now, in order with what follows; only its answer is late.
      change = store.add(channel, entry).result();
      held = Promise.promise();
      return held.future();
    }

    void release() {
      held.complete(change);
    }

    @Override
    public Future<PresenceChange> remove(String channel, PresenceEntry entry) {
      return store.remove(channel, entry);
    }

    @Override
    public Future<Map<String, Integer>> users(String channel) {
      return store.users(channel);
    }
  }
}
