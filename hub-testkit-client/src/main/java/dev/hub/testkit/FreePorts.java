package dev.hub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Ports free now, for what must be told its port before it starts (a Hazelcast member, a child
 * process, an address nothing listens on). The system may hand one out again before it is bound,
 * which is rare enough; a server of the test's own listens on port 0 instead.
 */
public final class FreePorts {
  private FreePorts() {}

  /** {@code count} distinct ports: every socket stays open until all are known. */
  public static List<Integer> of(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      sockets.forEach(FreePorts::close);
    }
  }

  /** One free port. */
  public static int one() {
    return of(1).get(0);
  }

  private static void close(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Freed either way.
    }
  }
}
