package dev.hub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free now, for what must be told its port before it starts (a Hazelcast member, a child
 * process, an address nothing listens on); a server of the test's own listens on port 0 instead.
 *
 * <p>On Linux they are taken below the kernel's ephemeral range ({@code
 * /proc/sys/net/ipv4/ip_local_port_range}). A port of that range, free when picked, can be handed to
 * any outgoing connection or port-0 listener before its owner binds it; that happened to a
 * Hazelcast member of {@code ClusterTlsProcessIT} ("Port [42545] is already in use"). Below the
 * range only another explicit bind can take it. Elsewhere, or when the range leaves no room, the
 * system picks (port 0) as before.
 */
public final class FreePorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** The lowest port handed out: above the well-known and most registered service ports. */
  static final int LOWEST = 10_000;

  private static final int ATTEMPTS = 1_000;

  private FreePorts() {}

  /** {@code count} distinct ports: every socket stays open until all are known. */
  public static List<Integer> of(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      Set<Integer> ports = new LinkedHashSet<>();
      int below = ephemeralLow();
      for (int attempt = 0; ports.size() < count && attempt < ATTEMPTS; attempt++) {
        int port = below > LOWEST ? ThreadLocalRandom.current().nextInt(LOWEST, below) : 0;
        ServerSocket socket = bind(port);
        if (socket != null) {
          sockets.add(socket);
          ports.add(socket.getLocalPort());
        }
      }
      if (ports.size() < count) {
        throw new IllegalStateException("no " + count + " free ports found below " + below);
      }
      return List.copyOf(ports);
    } finally {
      sockets.forEach(FreePorts::close);
    }
  }

  /** One free port. */
  public static int one() {
    return of(1).get(0);
  }

  /** The first port of the kernel's ephemeral range; 0 when it cannot be read (not Linux). */
  static int ephemeralLow() {
    try {
      // readAllLines, not readString: /proc reports a size of 0, and readString trusts it.
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** A socket bound to {@code port} on every address, or null when something holds it. */
  private static ServerSocket bind(int port) {
    ServerSocket socket = null;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return socket;
    } catch (IOException e) {
      if (socket != null) {
        close(socket);
      }
      if (port == 0) {
        throw new UncheckedIOException(e);
      }
      return null;
    }
  }

  private static void close(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Freed either way.
    }
  }
}
