package dev.hub.bench.jmh;

import dev.hub.protocol.EventBytes;
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
 * Local fan-out: one event that reached this node on {@code hub.fanout}, delivered to every local
 * subscriber of its channel. The path is the hub's own, from {@code LocalRegistry.deliver}
 * through each {@code Session} (and, for a channel with history, its {@code ChannelStream}) to
 * each {@code Connection}'s slow-consumer check and its write of the event's frame (made once per
 * event, written below Netty's WebSocket encoder, flushed at the end of the turn;
 * {@link WritePathBench} compares this with the path through Vert.x). The sockets are
 * {@link EmbeddedSockets}: real Vert.x server WebSockets over embedded channels, set up by the
 * hub's {@code WebSocketEndpoint} and subscribed with real {@code subscribe} frames; releasing
 * what they queued stands in for the kernel.
 *
 * <p>Read the score divided by {@code subscribers} as the cost of one recipient: it bounds how
 * many event deliveries per second one event loop can make. Not included: the event bus receiving
 * the message and the consumer's header parsing and metrics in {@code ClusterBus}, and the
 * syscall that writes each socket.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsPrepend = {EventLoopThreads.EXECUTOR, EventLoopThreads.EXECUTOR_CLASS})
// Five, not three: pinned to one core (taskset), the JIT shares it with the benchmark, and the
// 4 KiB cases were still getting faster after three seconds.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanoutBench {

  /** Local subscribers of the channel. */
  @Param({"1", "100", "1000"})
  public int subscribers;

  /**
   * {@code plain}: a channel without history, each event written as it comes; {@code history}: a
   * channel with history, each event passing its subscriber's ordering stream first.
   */
  @Param({"plain", "history"})
  public String channel;

  private EmbeddedHub hub;
  private boolean history;
  private Audience audience;
  private Buffer bytes;
  private long offset;
  private static final String EPOCH = "3f2a9c1e";

  @Setup
  public void open() {
    hub = EmbeddedHub.start();
    history = "history".equals(channel);
    String name = history ? EmbeddedHub.HISTORY_CHANNEL : Samples.CHANNEL;
    List<EmbeddedChannel> sockets = hub.subscribe(name, subscribers);
    audience = Audience.channel(name);
    Buffer encoded = Events.stamp(
            Samples.event(Samples.Size.SMALL), name, true, "user-1842", Instant.now())
        .toBuffer();
    // Every event carries the same bytes (offset 1 spliced in for history): delivery reads only
    // their length, the streams go by the FanoutEvent's offset.
    bytes = history ? EventBytes.withPosition(encoded, false, 1, EPOCH) : encoded;
    offset = 0;
    // One event first, checked at both ends: a run that measured dropped events would be worthless.
    hub.registry().deliver(nextEvent());
    hub.expectReceived(sockets.get(0), bytes);
    if (sockets.size() > 1) {
      hub.expectReceived(sockets.get(sockets.size() - 1), bytes);
    }
  }

  /** Delivers one event to the channel's local subscribers, then releases what was written. */
  @Benchmark
  public void deliver(Blackhole blackhole) {
    blackhole.consume(hub.registry().deliver(nextEvent()));
    blackhole.consume(hub.sockets().drain());
  }

  /** The event as the fan-out consumer builds it, with an offset the subscribers have not seen yet. */
  private FanoutEvent nextEvent() {
    return new FanoutEvent(audience, bytes, history ? ++offset : 0, history ? EPOCH : null, false);
  }

  /** A connection closed (as a slow consumer, say) would make the rest of the run measure less work. */
  @TearDown(Level.Iteration)
  public void checkStillSubscribed() {
    hub.expectOpen(subscribers);
  }

  @TearDown
  public void close() throws Exception {
    hub.close();
  }
}
