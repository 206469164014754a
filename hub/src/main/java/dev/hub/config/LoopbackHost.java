package dev.hub.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Whether a configured host is this machine's loopback, for the checks that open mode and an exposed cluster make. */
public final class LoopbackHost {
  private LoopbackHost() {}

  /**
   * {@code localhost} without a lookup (it may resolve to a non-loopback address in a bad hosts
   * file, and it means this machine); otherwise the address the name resolves to. Called at start,
   * never on an event loop.
   */
  public static boolean isLoopback(String host) throws UnknownHostException {
    return host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
  }
}
