package dev.hub.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.config.LimitsConfig;
import dev.hub.metrics.HubMetrics;
import dev.hub.metrics.VertxMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write path of a {@link Connection} on a real Vert.x server WebSocket over real TCP, read by
 * a raw client socket. A probe at the head of the server's pipeline, the last handler before the
 * socket, sees every buffer and every flush that reaches the kernel's side. The node's own
 * sockets take this path: these tests fail loudly if a Vert.x or Netty upgrade moves the pieces
 * the write path stands on (the WebSocket encoder in the pipeline, the channel under the socket).
 */
class WritePathTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  /** The limits of the connections accepted from now on. */
  private volatile LimitsConfig limits;

  private Vertx vertx;
  private HttpServer server;
  private final LinkedBlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
  private final List<RawWebSocket> clients = new ArrayList<>();
  private final List<HeadProbe> probes = new ArrayList<>();

  /**
   * A connection the server accepted: the hub's connection over it, the probe in its pipeline, and
   * what the {@link ChannelGuard} reported (the node closes a connection on its report).
   */
  private record Accepted(
      Connection connection, Context context, HeadProbe probe, List<String> guardReports) {}

  @BeforeEach
  void start() throws Exception {
    // One event loop: both connections of a test share it, as a gateway's connections do. Vert.x's
    // own meters on, as on a node.
    vertx = Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(1)
            .setMetricsOptions(VertxMeters.options("write-path-" + UUID.randomUUID())))
        .withMetrics(new MicrometerMetricsFactory(meters))
        .build();
    HubConfig config = ConfigReader.read(new JsonObject().put("open", true).put("port", 0));
    limits = config.limits();
    ConnectionGate gate = new ConnectionGate(100, 100);
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> {
      // As WebSocketEndpoint does: the channel under vertx-web's request, then the upgrade.
      Channel channel = WebSocketEndpoint.channelOf(ctx);
      assertThat(channel).as("the Netty channel under vertx-web's request").isNotNull();
      ctx.request().toWebSocket().onSuccess(ws -> {
        HeadProbe probe = new HeadProbe();
        channel.pipeline().addFirst("test-head-probe", probe);
        Connection connection = new Connection(
            ws,
            channel,
            limits,
            System::nanoTime,
            vertx,
            Clock.systemUTC(),
            gate,
            HubMetrics.detached());
        List<String> reports = new CopyOnWriteArrayList<>();
        ChannelGuard.install(channel, new ChannelGuard.Listener() {
          @Override
          public void peerNotReading() {
            reports.add("peer not reading: the channel became unwritable");
          }

          @Override
          public void frameRefused(int closeCode) {
            reports.add("frame refused " + closeCode);
          }
        });
        accepted.add(new Accepted(connection, vertx.getOrCreateContext(), probe, reports));
      });
    });
    server = vertx.createHttpServer(NodeServerOptions.of(config, 0)).requestHandler(router);
    server.listen(0, "127.0.0.1").await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (RawWebSocket client : clients) {
      client.close();
    }
    vertx.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    probes.forEach(HeadProbe::releaseAll);
  }

  @Test
  void eventsWrittenInOneTurnLeaveInOneFlush() throws Exception {
    RawWebSocket client = connect();
    Accepted server = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    List<Buffer> events = List.of(event(1, 100), event(2, 300), event(3, 2_000));

    onLoop(server, () -> events.forEach(event -> server.connection().sendEncoded(event, false)));

    for (Buffer event : events) {
      RawWebSocket.Frame frame = client.readFrame();
      assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
      assertThat(frame.text()).isEqualTo(event.toString());
    }
    assertThat(server.probe().flushesWithWrites())
        .as("flushes that carried the 3 events written in one event-loop turn (one syscall each)")
        .isEqualTo(1);
  }

  @Test
  void anEventIsEncodedOnceForEveryConnectionOfTheEventLoop() throws Exception {
    RawWebSocket first = connect();
    Accepted one = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    RawWebSocket second = connect();
    Accepted two = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    one.probe().retainWrites();
    two.probe().retainWrites();
    Buffer event = event(7, 160);

    onLoop(one, () -> {
      one.connection().sendEncoded(event, false);
      two.connection().sendEncoded(event, false);
    });

    assertThat(first.readFrame().text()).isEqualTo(event.toString());
    assertThat(second.readFrame().text()).isEqualTo(event.toString());
    ByteBuf toFirst = one.probe().written(0);
    ByteBuf toSecond = two.probe().written(0);
    assertThat(toFirst.readableBytes())
        .as("header and payload in one buffer")
        .isEqualTo(4 + event.length());
    assertThat(address(toSecond))
        .as("the two sockets are written the same bytes in memory, not two copies")
        .isEqualTo(address(toFirst));
  }

  @Test
  void repliesEventsPingsAndTheCloseFrameLeaveInTheOrderTheyWereWritten() throws Exception {
    RawWebSocket client = connect();
    Accepted server = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Buffer text = event(1, 90);
    Buffer binary = Buffer.buffer(new byte[70_000]).setByte(0, (byte) 0x7b);

    onLoop(server, () -> {
      server.connection().send(new JsonObject().put("type", "reply").put("id", 1));
      server.connection().sendEncoded(text, false);
      server.connection().heartbeat(TimeUnit.SECONDS.toNanos(60));
      server.connection().sendEncoded(binary, true);
      server.connection().send(new JsonObject().put("type", "reply").put("id", 2));
      server.connection().close(4000, "done");
    });

    assertThat(client.readFrame().text()).isEqualTo("{\"type\":\"reply\",\"id\":1}");
    assertThat(client.readFrame().text()).isEqualTo(text.toString());
    assertThat(client.readFrame().opcode()).isEqualTo(RawWebSocket.PING);
    RawWebSocket.Frame data = client.readFrame();
    assertThat(data.opcode()).isEqualTo(0x2);
    assertThat(data.payload()).isEqualTo(binary.getBytes());
    assertThat(client.readFrame().text()).isEqualTo("{\"type\":\"reply\",\"id\":2}");
    RawWebSocket.Frame close = client.readFrame();
    assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
    assertThat(close.closeCode()).isEqualTo(4000);
  }

  @Test
  void aClientThatReadsIsNotASlowConsumerWhenATurnWritesMoreThanTheBound() throws Exception {
    // The smallest bound there is, and 24 KiB of events in one turn: held back for one flush at the
    // end of the turn, they would count as unsent and pass the bound (the hub's count closes with
    // 4009, Netty's makes the channel unwritable and the guard reports it), though the kernel
    // takes them as fast as they come.
    limits = ConfigReader.read(new JsonObject()
            .put("open", true)
            .put("limits", new JsonObject().put("outboundBytes", 4_096)))
        .limits();
    RawWebSocket client = connect();
    Accepted server = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    List<Buffer> events = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      events.add(event(i, 1_000));
    }

    onLoop(server, () -> events.forEach(event -> server.connection().sendEncoded(event, false)));

    for (Buffer event : events) {
      assertThat(client.readFrame().text())
          .as("the events, and nothing else")
          .isEqualTo(event.toString());
    }
    assertThat(server.guardReports()).isEmpty();
    onLoop(
        server,
        () -> assertThat(server.connection().writable())
            .as("open, and keeping up")
            .isTrue());
  }

  @Test
  void vertxsMeterOfBytesWrittenCountsTheFramesWrittenBelowIt() throws Exception {
    RawWebSocket client = connect();
    Accepted server = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    double before = bytesWritten();
    List<Buffer> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(event(i, 1_000));
    }

    onLoop(server, () -> events.forEach(event -> server.connection().sendEncoded(event, false)));
    for (int i = 0; i < events.size(); i++) {
      client.readFrame();
    }

    // Vert.x reports in steps of 4 KiB while the connection is open: 10 040 bytes are two steps.
    Awaitility.await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(bytesWritten() - before)
            .as("vertx_http_server_bytes_written after 10 frames of 1 004 bytes")
            .isGreaterThanOrEqualTo(8_192));
  }

  private double bytesWritten() {
    return meters.find("vertx.http.server.bytes.written").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private RawWebSocket connect() throws Exception {
    RawWebSocket client = RawWebSocket.connect(server.actualPort(), "/ws", 0);
    clients.add(client);
    return client;
  }

  /** Runs the work as one task of the connection's event loop, and waits for it. */
  private static void onLoop(Accepted on, Runnable work) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    on.context().runOnContext(v -> {
      try {
        work.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    });
    try {
      done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError assertion) {
        throw assertion;
      }
      throw e;
    }
  }

  /** An event's JSON bytes, {@code size} long. */
  private static Buffer event(int sequence, int size) {
    String head = "{\"type\":\"event\",\"seq\":" + sequence + ",\"data\":\"";
    String json = head + "x".repeat(size - head.length() - 2) + "\"}";
    return Buffer.buffer(json.getBytes(StandardCharsets.UTF_8));
  }

  private static long address(ByteBuf buffer) {
    assertThat(buffer.hasMemoryAddress())
        .as("a direct buffer, as the socket needs")
        .isTrue();
    return buffer.memoryAddress() + buffer.readerIndex();
  }

  /**
   * The last outbound handler before the socket: counts the flushes that carried writes, and can
   * keep what was written (retained, so that its memory is not reused while the test compares).
   */
  private final class HeadProbe extends ChannelOutboundHandlerAdapter {
    private final List<ByteBuf> kept = new ArrayList<>();
    private volatile boolean retain;
    private int unflushed;
    private volatile int flushesWithWrites;

    HeadProbe() {
      probes.add(this);
    }

    void retainWrites() {
      retain = true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
        unflushed++;
        if (retain) {
          synchronized (kept) {
            kept.add(bytes.retainedDuplicate());
          }
        }
      }
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (unflushed > 0) {
        unflushed = 0;
        flushesWithWrites++;
      }
      ctx.flush();
    }

    int flushesWithWrites() {
      return flushesWithWrites;
    }

    ByteBuf written(int index) {
      Awaitility.await().atMost(WAIT).until(() -> {
        synchronized (kept) {
          return kept.size() > index;
        }
      });
      synchronized (kept) {
        return kept.get(index);
      }
    }

    void releaseAll() {
      synchronized (kept) {
        kept.forEach(ReferenceCountUtil::release);
        kept.clear();
      }
    }
  }
}
