package dev.hub.session;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's presence against a store that answers late, as the cluster's does: a connection that
 * closes while its subscription is still being recorded must not leave its entry behind.
 */
class SessionPresenceTest {
  private Vertx vertx;
  private Context context;
  private SlowAdds presence;
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
            new JsonArray().add(new JsonObject().put("pattern", "room:*").put("presence", true))));
    presence = new SlowAdds();
    SessionServices services =
        GatewayServices.builder(vertx, config).presence(presence).build().sessions(vertx);
    session = onContext(() -> {
      Session opened = new Session(
          "conn-1",
          new Identity("alice", Grants.everything(), null),
          new RecordingOutbound(),
          services);
      opened.open();
      return Future.succeededFuture(opened);
    });
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aConnectionClosedWhileItsPresenceIsBeingRecordedLeavesNoEntry() throws Exception {
    onContext(() -> {
      session.handle(FrameCodec.decode("{\"type\":\"subscribe\",\"id\":1,\"channel\":\"room:1\"}"));
      return Future.succeededFuture();
    });
    Future<Void> closed = onContext(() -> Future.succeededFuture(session.closed()));
    presence.releaseAdds();
    closed.await(10, TimeUnit.SECONDS);
    assertThat(onContext(() -> presence.users("room:1")))
        .as("users of room:1 once the close is done")
        .isEmpty();
  }

  private <T> T onContext(Callable<Future<T>> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.call().onComplete(result);
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return result.future().await(10, TimeUnit.SECONDS);
  }

  /** The in-memory store, whose adds take effect only when the test lets them, like a slow cluster write. */
  private final class SlowAdds implements PresenceStore {
    private final LocalPresenceStore store = new LocalPresenceStore();
    private final Promise<Void> released = Promise.promise();

    void releaseAdds() {
      context.runOnContext(v -> released.tryComplete());
    }

    @Override
    public Future<PresenceChange> add(String channel, PresenceEntry entry) {
      return released.future().compose(v -> store.add(channel, entry));
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
