package dev.hub.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission for the whole node, shared by its event loops: the per-node and per-user connection
 * limits, and the draining state of a graceful stop, during which no new connection is taken. It
 * also keeps two figures about slow consumers, for tests and operators: the most bytes any one
 * connection had written but not yet handed to the kernel, and how many connections were closed
 * for not reading.
 */
public final class ConnectionGate {
  private final int maxConnections;
  private final int maxPerUser;
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> users = new ConcurrentHashMap<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong outboundPeak = new AtomicLong();

  public ConnectionGate(int maxConnections, int maxPerUser) {
    this.maxConnections = maxConnections;
    this.maxPerUser = maxPerUser;
  }

  /** Takes a place for a new connection; false when the node is full. */
  boolean tryEnter() {
    while (true) {
      int current = connections.get();
      if (current >= maxConnections) {
        return false;
      }
      if (connections.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  void leave() {
    connections.decrementAndGet();
  }

  /**
   * Takes a place for one more connection of this user on this node; false when the user already
   * has as many as allowed. One user (one stolen or shared token) must not take the node's
   * connections from everyone else.
   */
  boolean tryEnterUser(String user) {
    boolean[] admitted = {false};
    users.compute(user, (name, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerUser) {
        return count;
      }
      admitted[0] = true;
      return current + 1;
    });
    return admitted[0];
  }

  void leaveUser(String user) {
    users.computeIfPresent(user, (name, count) -> count <= 1 ? null : count - 1);
  }

  /** Connections this user holds on this node. */
  public int connectionsOf(String user) {
    return users.getOrDefault(user, 0);
  }

  void recordOutbound(long bufferedBytes) {
    // A plain read first: the common case (no new peak) costs no write to a shared cache line.
    if (bufferedBytes > outboundPeak.get()) {
      outboundPeak.accumulateAndGet(bufferedBytes, Math::max);
    }
  }

  /** The most bytes ever waiting in one connection's outbound buffer on this node. */
  public long outboundPeakBytes() {
    return outboundPeak.get();
  }

  public int connections() {
    return connections.get();
  }

  public void startDraining() {
    draining.set(true);
  }

  public boolean isDraining() {
    return draining.get();
  }
}
