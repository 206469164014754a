package dev.hub.load;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A few file descriptors held back from a connection storm. A storm may take every descriptor this
 * process has (its limit is the same as a server's); the readings after it still need some, to
 * read {@code /proc} and run {@code jcmd}. Releasing the reserve just before them makes room.
 */
final class FileDescriptorReserve implements Closeable {
  private static final int SIZE = 16;
  private final List<FileInputStream> held = new ArrayList<>();

  /** Holds what it can; on a system without {@code /dev/null}, nothing. */
  FileDescriptorReserve() {
    try {
      for (int i = 0; i < SIZE; i++) {
        held.add(new FileInputStream("/dev/null"));
      }
    } catch (IOException e) {
      // nothing more to hold
    }
  }

  @Override
  public void close() {
    for (FileInputStream stream : held) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // released either way
      }
    }
    held.clear();
  }
}
