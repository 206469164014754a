package dev.hub.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.json.JsonObject;
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

/**
 * A client's {@code publish}, from the bytes of its WebSocket frame to the {@code ack} written
 * back: Netty's frame decoder, Vert.x's WebSocket, and the hub's {@code Connection} (message
 * assembly and strict UTF-8 decoding, rate limit), {@code FrameCodec}, {@code Session},
 * {@code PublishHandler} and {@code Publisher} (stamp, encode once) up to
 * {@code ClusterBus.publish} on a Vert.x that is not clustered and has no fan-out consumer, so the
 * event stops at the local event bus. The socket is one of {@link EmbeddedSockets}; a copy of the
 * frame's bytes into a fresh buffer per publish stands in for the kernel's read.
 *
 * <p>The score is the publishing node's CPU per client publish before any fan-out or network;
 * compare it with {@link FrameCodecBench} and {@link EventEncodingBench} to see how much of it is
 * parsing and encoding and how much the layers around them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsPrepend = {EventLoopThreads.EXECUTOR, EventLoopThreads.EXECUTOR_CLASS})
// Longer warm-up than the others: a publish is slow until the JIT has compiled its deep path, and
// at first it runs so few times a second that this takes five seconds on two cores, eight when
// pinned to one (where the JIT shares the core).
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class InboundPublishBench {

  /** {@code small}: about 200 bytes of event data (a chat message); {@code large}: about 4 KiB. */
  @Param({"small", "large"})
  public String size;

  private EmbeddedHub hub;
  private EmbeddedChannel socket;
  private ByteBuf frame;

  @Setup
  public void open() {
    hub = EmbeddedHub.start();
    socket = hub.connect("user-1842");
    frame = EmbeddedSockets.clientFrame(
        Samples.publishFrame("small".equals(size) ? Samples.Size.SMALL : Samples.Size.LARGE));
    expectAck();
  }

  /** One publish frame in; its ack (and anything else written) released. */
  @Benchmark
  public int publish() {
    receive();
    return hub.sockets().drain();
  }

  /** Each iteration ends with a publish that must still be acknowledged, not refused. */
  @TearDown(Level.Iteration)
  public void checkAcknowledged() {
    hub.sockets().drain();
    expectAck();
  }

  @TearDown
  public void close() throws Exception {
    frame.release();
    hub.close();
  }

  /** The frame's bytes arrive on the socket; a fresh copy each time, as Netty unmasks in place. */
  private void receive() {
    socket.writeInbound(socket
        .alloc()
        .buffer(frame.readableBytes())
        .writeBytes(frame, frame.readerIndex(), frame.readableBytes()));
  }

  private void expectAck() {
    receive();
    List<String> replies = EmbeddedSockets.readTexts(socket);
    if (replies.size() != 1 || !"ack".equals(new JsonObject(replies.get(0)).getString("type"))) {
      throw new IllegalStateException("publish not acknowledged: " + replies);
    }
  }
}
