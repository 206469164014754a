package dev.hub.bench.jmh;

import io.vertx.core.impl.VertxThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor JMH runs the benchmarks on, selected by {@link #EXECUTOR} and
 * {@link #EXECUTOR_CLASS}: its threads are Vert.x event-loop threads, the kind the hub's code runs
 * on in production. It matters for the socket benchmarks. On a plain thread Vert.x keeps the
 * current context in a {@code ThreadLocal}, set and removed on every dispatch (an allocation each
 * time), and Netty's recyclers did not recycle there (a JFR allocation profile showed a new
 * {@code ChannelOutboundBuffer} entry per write); both are work a node never does.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
  /** The forked JVM's flags that select this executor; JMH reads them in the fork. */
  static final String EXECUTOR = "-Djmh.executor=CUSTOM";

  static final String EXECUTOR_CLASS = "-Djmh.executor.class=dev.hub.bench.jmh.EventLoopThreads";

  private static final AtomicInteger COUNT = new AtomicInteger();

  /** The constructor JMH calls for a {@code CUSTOM} executor. */
  public EventLoopThreads(int maxThreads, String prefix) {
    super(
        maxThreads,
        maxThreads,
        1,
        TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(),
        task -> new VertxThread(
            task, prefix + "-" + COUNT.incrementAndGet(), false, 2, TimeUnit.SECONDS));
  }

  /** Fails unless the caller runs on one of these threads: a run must not silently measure the other kind. */
  static void expectCurrent() {
    if (!(Thread.currentThread() instanceof VertxThread)) {
      throw new IllegalStateException(
          "not on a Vert.x event-loop thread: run the fork with " + EXECUTOR + " " + EXECUTOR_CLASS
              + " (set by @Fork(jvmArgsPrepend); -jvmArgsPrepend on the command line replaces it)");
    }
  }
}
