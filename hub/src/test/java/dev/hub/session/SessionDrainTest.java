package dev.hub.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hub.auth.Grants;
import dev.hub.auth.Identity;
import dev.hub.config.ChannelOptions;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.history.ChannelAdmission;
import dev.hub.history.ForwardingHistoryStore;
import dev.hub.history.LocalHistoryStore;
import dev.hub.node.GatewayServices;
import dev.hub.protocol.FrameCodec;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's part of a graceful stop, with a history store whose append answers only when the
 * test says so: the drain completes only once the publish in flight has sent its {@code ack}, and
 * every frame from the moment the drain began is refused with {@code unavailable}.
 */
class SessionDrainTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Vertx vertx;
  private Context context;
  private final RecordingOutbound out = new RecordingOutbound();
  private final HeldHistory history = new HeldHistory();
  private Session session;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    HubConfig config = ConfigReader.read(new JsonObject()
        .put("open", true)
        .put("nodeId", "node-1")
        .put(
            "channels",
            new JsonArray()
                .add(new JsonObject()
                    .put("pattern", "feed")
                    .put("history", new JsonObject().put("size", 100)))));
    GatewayServices gateway =
        GatewayServices.builder(vertx, config).history(history).build();
    SessionServices services = gateway.sessions(vertx);
    onContext(() -> {
      gateway.clusterBus().attach(services.registry());
      session =
          new Session("conn-1", new Identity("alice", Grants.everything(), null), out, services);
      session.open();
      return null;
    });
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theDrainWaitsForTheAckOfAPublishInFlightAndRefusesWhatComesAfter() throws Exception {
    send("{\"type\":\"publish\",\"id\":1,\"channel\":\"feed\",\"event\":{\"type\":\"story\"}}");
    await().atMost(WAIT).until(() -> history.held != null);

    Future<Void> drained = onContext(session::drain);
    send("{\"type\":\"publish\",\"id\":2,\"channel\":\"feed\",\"event\":{\"type\":\"late\"}}");
    send("{\"type\":\"ping\"}");
    assertThat(drained.isComplete())
        .as("drained while the publish's append was still under way")
        .isFalse();

    onContext(() -> {
      history.release();
      return null;
    });
    await().atMost(WAIT).until(drained::isComplete);
    assertThat(out.framesAfter(1))
        .containsExactly(
            new JsonObject("{\"type\":\"error\",\"id\":2,\"code\":\"unavailable\","
                + "\"message\":\"the node is shutting down; reconnect to another node\"}"),
            new JsonObject("{\"type\":\"error\",\"code\":\"unavailable\","
                + "\"message\":\"the node is shutting down; reconnect to another node\"}"),
            new JsonObject(
                "{\"type\":\"ack\",\"id\":1,\"offset\":1,\"epoch\":\"" + history.epoch() + "\"}"));
    assertThat(history.appended).as("events stored: the refused publish is not").isEqualTo(1);
    assertThat(out.closes()).as("the session leaves closing to the connection").isEmpty();
  }

  @Test
  void withNothingInFlightTheDrainIsDoneAtOnce() throws Exception {
    assertThat(onContext(session::drain).isComplete()).isTrue();
  }

  @Test
  void aConnectionThatClosesWhileARequestIsInFlightEndsTheWait() throws Exception {
    send("{\"type\":\"publish\",\"id\":1,\"channel\":\"feed\",\"event\":{\"type\":\"story\"}}");
    await().atMost(WAIT).until(() -> history.held != null);
    Future<Void> drained = onContext(session::drain);
    assertThat(drained.isComplete()).isFalse();

    onContext(session::closed);
    await().atMost(WAIT).until(drained::isComplete);
  }

  private void send(String text) throws Exception {
    onContext(() -> {
      session.handle(FrameCodec.decode(text));
      return null;
    });
  }

  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The node's in-memory history, whose appends are stored at once but answer when the test says so. */
  private static final class HeldHistory extends ForwardingHistoryStore {
    private volatile Promise<StreamPosition> held;
    private volatile StreamPosition position;
    private volatile int appended;

    HeldHistory() {
      super(new LocalHistoryStore(Clock.systemUTC()));
    }

    @Override
    public Future<StreamPosition> append(
        String channel,
        ChannelOptions options,
        Buffer event,
        boolean binary,
        ChannelAdmission admission) {
      position = store.append(channel, options, event, binary, admission).result();
      appended++;
      held = Promise.promise();
      return held.future();
    }

    void release() {
      held.complete(position);
    }

    String epoch() {
      return position.epoch();
    }
  }
}
