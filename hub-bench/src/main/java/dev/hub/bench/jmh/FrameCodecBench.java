package dev.hub.bench.jmh;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.FrameCodec;
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
 * Frame parsing: what {@link FrameCodec#decode} costs for one text frame a client sends, from the
 * frame's text to a validated {@link ClientFrame} (JSON parse, type dispatch, channel and event
 * checks). It runs once per inbound frame on the connection's event loop, so the reciprocal of
 * the score is about how many frames of that kind one event loop can parse per second, before
 * any routing. The UTF-8 decoding of the socket's bytes that comes before it is not included.
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
public class FrameCodecBench {

  /**
   * {@code subscribe}: a channel name only; {@code publish}: an event with about 200 bytes of
   * data (a chat message); {@code publish4k}: an event with about 4 KiB of data (a page of records).
   */
  @Param({"subscribe", "publish", "publish4k"})
  public String frame;

  private String text;

  @Setup
  public void prepare() {
    text = switch (frame) {
      case "subscribe" -> Samples.subscribeFrame();
      case "publish" -> Samples.publishFrame(Samples.Size.SMALL);
      case "publish4k" -> Samples.publishFrame(Samples.Size.LARGE);
      default -> throw new IllegalArgumentException("unknown frame " + frame);
    };
    // A frame the codec refuses would measure the error path: fail the run instead.
    FrameCodec.decode(text);
  }

  /** One frame's text to its {@link ClientFrame}; returned, so JMH keeps the work. */
  @Benchmark
  public ClientFrame decode() {
    return FrameCodec.decode(text);
  }
}
