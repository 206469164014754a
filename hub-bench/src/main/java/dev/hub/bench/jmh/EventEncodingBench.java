package dev.hub.bench.jmh;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.EventBytes;
import dev.hub.protocol.Events;
import dev.hub.protocol.FrameCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event encoding: the work the hub does once per published event, whatever its fan-out, to turn
 * a client's event into the bytes every subscriber receives. {@link #encode} is what
 * {@code Publisher} does for a text event (stamp the hub's fields on a copy, encode it);
 * {@link #withPosition} is the extra step for a channel with history, splicing the stored
 * event's offset and epoch into the already-encoded bytes instead of encoding again. Compare the
 * two to see what the splice saves over a second encode, and either one with
 * {@link FanoutBench}'s per-subscriber cost to see when fan-out, not encoding, dominates.
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
public class EventEncodingBench {

  /** {@code small}: about 200 bytes of event data (a chat message); {@code large}: about 4 KiB. */
  @Param({"small", "large"})
  public String size;

  private JsonObject event;
  private String channel;
  private String user;
  private Clock clock;
  private Buffer encoded;
  private long offset;
  private String epoch;

  @Setup
  public void prepare() {
    Samples.Size eventSize = "small".equals(size) ? Samples.Size.SMALL : Samples.Size.LARGE;
    // The event as the hub holds it after parsing: the JSON tree FrameCodec built, not a hand-built
    // one.
    ClientFrame.Publish publish =
        (ClientFrame.Publish) FrameCodec.decode(Samples.publishFrame(eventSize));
    event = publish.event();
    channel = publish.channel();
    user = "user-1842";
    clock = Clock.systemUTC();
    encoded = encode();
    offset = 1_048_577;
    epoch = "3f2a9c1e";
  }

  /**
   * Stamps {@code timestamp}, {@code channel} and {@code from} on a copy of the event and encodes
   * it to JSON bytes, as {@code Publisher.publishFromClient} does before anything is sent.
   */
  @Benchmark
  public Buffer encode() {
    JsonObject stamped = Events.stamp(event, channel, true, user, clock.instant());
    return stamped.toBuffer();
  }

  /** Adds {@code "offset":n,"epoch":"e"} to the encoded event, as a history channel's publish does. */
  @Benchmark
  public Buffer withPosition() {
    return EventBytes.withPosition(encoded, false, offset, epoch);
  }
}
