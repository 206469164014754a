package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import dev.hub.testkit.HubTestClient;
import dev.hub.transport.RawWebSocket;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.vertx.core.Vertx;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: a client sends WebSocket pings and never reads. Vert.x answers every ping with a pong it
 * writes itself, outside the hub's outbound count, so such a client once made the node queue pongs
 * without bound and was never closed. Pings now count against the rate limit, and the pongs
 * against the outbound limit like any frame; the node stops reading a client that does not read.
 *
 * <p>Measured with the node's own figures: the memory of the Netty allocator Vert.x 5 gives its
 * channels ({@link VertxByteBufAllocator#POOLED_ALLOCATOR}, which holds every encoded frame waiting
 * in Netty's outbound buffer), the heap that stays reachable (Vert.x keeps frames it cannot write
 * yet on the heap, unencoded), and the node's peak outbound buffer for one connection.
 */
class PingFloodTest {
  private static final byte[] PAYLOAD = new byte[125];
  private static final long MIB = 1024 * 1024;

  private Vertx vertx;
  private HubNode node;
  private HubTestClient bystander;
  private RawWebSocket client;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** A node with these limits, a bystander, and the client, connected and from then on not reading. */
  private void start(JsonObject limits) throws Exception {
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("open", true)
                .put("port", 0)
                .put("eventLoops", 1)
                .put("limits", limits)))
        .await(30, TimeUnit.SECONDS);
    bystander = HubTestClient.connect(vertx, node.port(), "/ws?user=bystander");
    // A small receive buffer: the kernel holds little of what the client does not read.
    client = RawWebSocket.connect(node.port(), "/ws?user=pinger", 4096);
    assertThat(client.readFrame().text()).contains("\"connected\"");
  }

  @Test
  void aPingFloodIsClosedAndTheNodeKeepsBoundedMemory() throws Exception {
    int outboundBytes = 64 * 1024;
    long budget = 64 * MIB;
    start(new JsonObject().put("outboundBytes", outboundBytes));
    ByteBufAllocatorMetric allocator =
        ((ByteBufAllocatorMetricProvider) VertxByteBufAllocator.POOLED_ALLOCATOR).metric();
    long heapBefore = retainedHeap();
    long allocatorBefore = used(allocator);
    AtomicLong allocatorPeak = new AtomicLong(allocatorBefore);
    vertx.setPeriodic(5, id -> allocatorPeak.accumulateAndGet(used(allocator), Math::max));

    byte[] block = pings(512);
    AtomicLong sent = new AtomicLong();
    CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
      try {
        while (sent.get() < budget) {
          client.sendBytes(block);
          sent.addAndGet(block.length);
        }
      } catch (IOException dropped) {
        // The node closed the connection under the flood.
      }
    });
    // Ends when the node drops the connection, or when the whole budget got through.
    flood.get(60, TimeUnit.SECONDS);
    long heapGrowth = retainedHeap() - heapBefore;

    SoftAssertions.assertSoftly(soft -> {
      // What the client got through is what the node read plus what the kernel buffers hold.
      soft.assertThat(sent.get())
          .as("bytes of pings the client got through before the node stopped reading")
          .isLessThan(budget / 2);
      soft.assertThat(heapGrowth)
          .as("heap the node still holds after the flood")
          .isLessThan(32 * MIB);
      soft.assertThat(allocatorPeak.get() - allocatorBefore)
          .as("Netty allocator growth during the flood")
          .isLessThan(16 * MIB);
      soft.assertThat(node.outboundPeakBytes())
          .as("peak outbound bytes of one connection")
          .isLessThanOrEqualTo(outboundBytes + 512);
    });
    Awaitility.await("the node closes the flooder")
        .atMost(Duration.ofSeconds(20))
        .until(() -> node.connections() == 1);
    // Over the rate (1008), or out of outbound room first (4009): a read of pings is answered
    // with pongs that are flushed only when the read ends, so either limit may come first.
    assertThat(closes(1008) + closes(4009))
        .as("closed for the flood or for not reading")
        .isEqualTo(1);
    assertBystanderServed();
  }

  @Test
  void pingsWithinTheRateFromAClientThatNeverReadsEndIn4009() throws Exception {
    int outboundBytes = 4096;
    start(new JsonObject()
        .put("outboundBytes", outboundBytes)
        .put("ratePerSecond", 10_000)
        .put("burst", 10_000));
    // 50 pings every 10 ms: 5000 a second, half the rate the node allows.
    byte[] block = pings(50);
    AtomicBoolean dropped = new AtomicBoolean();
    ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    try {
      pinger.scheduleAtFixedRate(
          () -> {
            try {
              client.sendBytes(block);
            } catch (IOException e) {
              dropped.set(true);
              throw new IllegalStateException("the node dropped the connection", e);
            }
          },
          0,
          10,
          TimeUnit.MILLISECONDS);
      Awaitility.await("the pinger is closed as a slow consumer")
          .atMost(Duration.ofSeconds(30))
          .until(() -> node.slowConsumerCloses() == 1);
      Awaitility.await("the node lets the connection go")
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.connections() == 1);
    } finally {
      pinger.shutdownNow();
      client.close();
      pinger.awaitTermination(10, TimeUnit.SECONDS);
    }
    assertThat(rateLimited()).as("pings refused for the rate").isZero();
    assertThat(node.outboundPeakBytes())
        .as("peak outbound bytes of one connection")
        .isLessThanOrEqualTo(outboundBytes + 512);
    assertBystanderServed();
  }

  @Test
  void pingsCountAgainstTheMessageRate() throws Exception {
    start(new JsonObject().put("ratePerSecond", 20).put("burst", 40));
    client.sendBytes(pings(400));
    List<String> errors = new ArrayList<>();
    RawWebSocket.Frame frame;
    do {
      frame = client.readFrame();
      if (frame.opcode() == RawWebSocket.TEXT) {
        errors.add(frame.text());
      }
    } while (frame.opcode() != RawWebSocket.CLOSE);
    assertThat(errors)
        .as("text frames after the pings")
        .isNotEmpty()
        .allSatisfy(text ->
            assertThat(text).contains("\"rate_limited\"").contains("20 messages per second"));
    assertThat(frame.closeCode()).isEqualTo(1008);
    assertBystanderServed();
  }

  private static byte[] pings(int count) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      block.writeBytes(RawWebSocket.encode(RawWebSocket.PING, PAYLOAD, true));
    }
    return block.toByteArray();
  }

  private static long used(ByteBufAllocatorMetric metric) {
    return metric.usedDirectMemory() + metric.usedHeapMemory();
  }

  /** Heap still reachable: measured after a full collection, so garbage does not count. */
  private static long retainedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private double closes(int code) {
    Counter counter = node.meters()
        .find("hub.connections.closed")
        .tag("code", Integer.toString(code))
        .counter();
    return counter == null ? 0 : counter.count();
  }

  private double rateLimited() {
    Counter counter = node.meters().find("hub.frames.rate.limited").counter();
    return counter == null ? 0 : counter.count();
  }

  private void assertBystanderServed() {
    bystander.send(new JsonObject().put("type", "ping").put("id", "still-there"));
    assertThat(bystander.await(f -> "still-there".equals(f.getValue("id"))).getString("type"))
        .isEqualTo("pong");
  }
}
