package dev.hub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, as Linux shows them: the socket inodes among the
 * process's file descriptors ({@code /proc/<pid>/fd}), looked up in its network namespace's
 * tables ({@code /proc/<pid>/net/tcp} and {@code tcp6}). What {@code ss -ltnp} prints, without
 * needing {@code ss}.
 */
final class ListeningSockets {
  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
  /** {@code st} of a socket in the LISTEN state (include/net/tcp_states.h). */
  private static final String LISTEN = "0A";

  private ListeningSockets() {}

  /** Every address the process listens on; a wildcard shows as {@code 0.0.0.0} or {@code ::}. */
  static List<InetSocketAddress> of(long pid) throws IOException {
    Set<String> inodes = socketInodes(pid);
    List<InetSocketAddress> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        String[] fields = line.trim().split("\\s+");
        if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
          listening.add(address(fields[1]));
        }
      }
    }
    return listening;
  }

  private static Set<String> socketInodes(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          Matcher socket = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
          if (socket.matches()) {
            inodes.add(socket.group(1));
          }
        } catch (IOException closedMeanwhile) {
          // A descriptor closed between the listing and the read is no listening socket.
        }
      }
    }
    return inodes;
  }

  /**
   * {@code 0100007F:1F90} (IPv4) or 32 hex digits and a port (IPv6): the kernel prints each
   * 32-bit word of the address in host byte order, little-endian here.
   */
  static InetSocketAddress address(String field) throws UnknownHostException {
    String[] parts = field.split(":");
    byte[] raw = HexFormat.of().parseHex(parts[0]);
    byte[] address = new byte[raw.length];
    for (int word = 0; word < raw.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        address[word + i] = raw[word + 3 - i];
      }
    }
    return new InetSocketAddress(InetAddress.getByAddress(address), Integer.parseInt(parts[1], 16));
  }
}
