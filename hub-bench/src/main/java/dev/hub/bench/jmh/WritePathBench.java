package dev.hub.bench.jmh;

import dev.hub.protocol.Events;
import dev.hub.routing.Audience;
import dev.hub.routing.FanoutEvent;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The write path's choices side by side, on {@link FanoutBench}'s path (the registry, each
 * session, each connection, real Vert.x WebSockets over embedded channels): {@code burst} events
 * of a plain channel delivered to every subscriber in one turn of the event loop, then the turn
 * ends (the loop runs what was queued) and the sockets are drained.
 *
 * <ul>
 *   <li>{@code vertx}: each frame through {@code ServerWebSocket.writeFrame}: Vert.x's outbound
 *       queue, Netty's WebSocket encoder (a copy of the frame per socket), a flush per frame;
 *   <li>{@code prepared-flush-each}: the event's frame made once and written below the encoder,
 *       a flush per frame;
 *   <li>{@code prepared}: the same, with one flush per socket per turn (the node's path).
 * </ul>
 *
 * <p>Divide the score by {@code subscribers * burst} for the cost of one delivery. The embedded
 * channel's flush moves buffers to a queue where a socket's makes a system call: what corking
 * saves in the kernel shows in scenario 1 of hub-load, not here. Run with {@code -prof gc} for
 * the bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsPrepend = {EventLoopThreads.EXECUTOR, EventLoopThreads.EXECUTOR_CLASS})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class WritePathBench {
  /** {@code SocketWrites.PATH_PROPERTY}: read when a connection opens. */
  private static final String PATH_PROPERTY = "hub.writePath";

  @Param({"vertx", "prepared-flush-each", "prepared"})
  public String path;

  @Param({"1", "100", "1000"})
  public int subscribers;

  /** Events delivered in one turn of the event loop. */
  @Param({"1", "4"})
  public int burst;

  private EmbeddedHub hub;
  private FanoutEvent[] events;

  @Setup
  public void open() {
    System.setProperty(PATH_PROPERTY, path);
    hub = EmbeddedHub.start();
    List<EmbeddedChannel> sockets = hub.subscribe(Samples.CHANNEL, subscribers);
    Audience audience = Audience.channel(Samples.CHANNEL);
    Buffer encoded = Events.stamp(
            Samples.event(Samples.Size.SMALL), Samples.CHANNEL, true, "user-1842", Instant.now())
        .toBuffer();
    // A buffer per event, as each event arrives in its own: the frame made for one is not the next
    // one's.
    events = new FanoutEvent[burst];
    for (int i = 0; i < burst; i++) {
      events[i] = FanoutEvent.unnumbered(audience, encoded.copy(), false);
    }
    hub.registry().deliver(events[0]);
    hub.expectReceived(sockets.get(0), encoded);
    if (sockets.size() > 1) {
      hub.expectReceived(sockets.get(sockets.size() - 1), encoded);
    }
  }

  @Benchmark
  public void deliver(Blackhole blackhole) {
    for (FanoutEvent event : events) {
      blackhole.consume(hub.registry().deliver(event));
    }
    blackhole.consume(hub.sockets().drain());
  }

  @TearDown(Level.Iteration)
  public void checkStillSubscribed() {
    hub.expectOpen(subscribers);
  }

  @TearDown
  public void close() throws Exception {
    hub.close();
    System.clearProperty(PATH_PROPERTY);
  }
}
