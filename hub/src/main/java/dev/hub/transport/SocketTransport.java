package dev.hub.transport;

import dev.hub.config.NodeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of Netty's transports drives the node's sockets: Linux's epoll where its native library
 * loads, else Java NIO, or NIO when the configuration asks for it. Measured at light load, two
 * nodes sharing a CPU spent a fifth less CPU per delivery on epoll, and one node the same
 * (docs/benchmarks.md, "The epoll transport"). Nothing else changes: the same Netty pipeline,
 * handlers and frames.
 */
public final class SocketTransport {
  private static final Logger log = LoggerFactory.getLogger(SocketTransport.class);

  private SocketTransport() {}

  /**
   * The transport for a node's {@code transport} setting. Where epoll is wanted but its library does
   * not load (another operating system or CPU, a temporary directory mounted noexec), the node runs
   * on NIO and logs why, once, at start.
   */
  public static Transport choose(String setting) {
    if (setting.equals(NodeConfig.TRANSPORT_NIO)) {
      return Transport.NIO;
    }
    if (Transport.EPOLL.available()) {
      return Transport.EPOLL;
    }
    log.info(
        "the epoll transport is not available here ({}); sockets run on Java NIO",
        rootCause(Transport.EPOLL.unavailabilityCause()));
    return Transport.NIO;
  }

  /** The innermost cause: Netty wraps the library's load failure in initializer errors. */
  private static String rootCause(Throwable failure) {
    if (failure == null) {
      return "no reason given";
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }

  /** The name of the transport a Vert.x instance runs on, as {@link #choose} picks them. */
  public static String nameOf(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? Transport.EPOLL.name() : Transport.NIO.name();
  }
}
