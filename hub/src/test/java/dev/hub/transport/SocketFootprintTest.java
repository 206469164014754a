package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link SocketFootprint} relies on in Vert.x, checked against the Vert.x on the class path:
 * after an upgrade, Vert.x 5.0 still holds the HTTP connection that was upgraded (with its request,
 * response and outbound queue), and starts each WebSocket's outbound queue with a 1,024-slot chunk.
 * When a Vert.x upgrade changes either, a test here fails and says what to revisit. Real sockets:
 * a Vert.x server doing the same upgrade as the hub's endpoint, and a raw client socket.
 */
class SocketFootprintTest {
  private static final int BACKLOG = 20_000;
  private static final String PAYLOAD = "x".repeat(1000);

  private Vertx vertx;
  private HttpServer server;
  private volatile ServerWebSocket upgraded;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void everyInternalItUsesIsThere() {
    assertThat(SocketFootprint.available())
        .as(
            "Vert.x internals SocketFootprint reaches for are missing: review it against this Vert.x")
        .isTrue();
  }

  @Test
  void untrimmedVertxStillHoldsTheUpgradedHttpConnection() throws Exception {
    Supplier<Object> http = upgradeHoldingOnlyTheSocket(false, (ws, channel) -> {});
    try (RawWebSocket client = RawWebSocket.connect(port(), "/", 0)) {
      Awaitility.await("the upgrade").atMost(Duration.ofSeconds(10)).until(() -> upgraded != null);
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      assertThat(http.get())
          .as("Vert.x no longer keeps the upgraded HTTP connection: "
              + "SocketFootprint's release of it can go")
          .isNotNull();
    }
  }

  @Test
  void aTrimmedSocketLetsTheUpgradedHttpConnectionGo() throws Exception {
    Supplier<Object> http = upgradeHoldingOnlyTheSocket(true, (ws, channel) -> {});
    try (RawWebSocket client = RawWebSocket.connect(port(), "/", 0)) {
      Awaitility.await("the upgrade").atMost(Duration.ofSeconds(10)).until(() -> upgraded != null);
      Awaitility.await("the upgraded HTTP connection collected")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            System.gc();
            return http.get() == null;
          });
      // The socket itself still works.
      vertx.runOnContext(v -> upgraded.writeTextMessage("still here"));
      assertThat(client.readFrame().text()).isEqualTo("still here");
    }
  }

  @Test
  void aTrimmedOutboundQueueStartsSmallAndStillGrowsInOrder() throws Exception {
    Promise<int[]> queue = Promise.promise();
    upgradeHoldingOnlyTheSocket(true, (ws, channel) -> {
      int firstChunk = chunkSlots(channel);
      // The client reads nothing yet: past Netty's high-water mark the rest waits in Vert.x's
      // queue.
      for (int i = 0; i < BACKLOG; i++) {
        ws.writeTextMessage(String.format("%05d", i) + PAYLOAD);
      }
      queue.complete(new int[] {firstChunk, outboundQueue(channel).size()});
    });
    try (RawWebSocket client = RawWebSocket.connect(port(), "/", 4096)) {
      int[] seen = queue.future().await(30, TimeUnit.SECONDS);
      assertThat(seen[0]).as("slots of the outbound queue's first chunk").isLessThanOrEqualTo(64);
      assertThat(seen[1])
          .as("messages waiting in Vert.x's outbound queue: many chunks' worth")
          .isGreaterThan(1000);
      client.readTimeout(30_000);
      for (int i = 0; i < BACKLOG; i++) {
        assertThat(client.readFrame().text()).startsWith(String.format("%05d", i));
      }
    }
  }

  @Test
  void untrimmedVertxStartsTheOutboundQueueWithA1024SlotChunk() throws Exception {
    Promise<Integer> slots = Promise.promise();
    upgradeHoldingOnlyTheSocket(false, (ws, channel) -> slots.complete(chunkSlots(channel)));
    try (RawWebSocket client = RawWebSocket.connect(port(), "/", 0)) {
      assertThat(slots.future().await(30, TimeUnit.SECONDS))
          .as(
              "Vert.x's first chunk changed: SocketFootprint's smaller chunk may no longer be worth it")
          .isEqualTo(1025);
    }
  }

  /**
   * Starts a server that upgrades every request, as the hub's endpoint does, and keeps only the
   * socket and its channel; returns what reads the upgraded HTTP connection through a weak
   * reference (null before a client connects, and once it is collected).
   */
  private Supplier<Object> upgradeHoldingOnlyTheSocket(
      boolean trim, BiConsumer<ServerWebSocket, Channel> then) throws Exception {
    AtomicReference<WeakReference<Object>> ref = new AtomicReference<>(new WeakReference<>(null));
    server = vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> {
          Channel channel = ((ConnectionBase) request.connection()).channel();
          ref.set(new WeakReference<>(request.connection()));
          request.toWebSocket().onSuccess(ws -> {
            if (trim) {
              SocketFootprint.trim(channel);
            }
            upgraded = ws;
            then.accept(ws, channel);
          });
        })
        .listen()
        .await(30, TimeUnit.SECONDS);
    return () -> ref.get().get();
  }

  private int port() {
    return server.actualPort();
  }

  /** Read here without SocketFootprint, so that the test does not check the code with itself. */
  private static Queue<?> outboundQueue(Channel channel) {
    try {
      Object connection = channel.pipeline().get(VertxHandler.class).getConnection();
      Object outbound = field(connection, "outboundMessageQueue");
      Object passing = field(outbound, "mqp");
      return (Queue<?>) field(passing, "queue");
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read Vert.x's outbound queue: " + e, e);
    }
  }

  private static int chunkSlots(Channel channel) {
    try {
      return ((Object[]) field(outboundQueue(channel), "producerBuffer")).length;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read the outbound queue's chunk: " + e, e);
    }
  }

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // declared higher up
      }
    }
    throw new NoSuchFieldException(name + " in " + target.getClass().getName());
  }
}
