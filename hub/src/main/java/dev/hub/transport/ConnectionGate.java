package dev.hub.transport;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission for the whole node, shared by its event loops: the per-node connection limit, and
 * the draining state of a graceful stop, during which no new connection is taken.
 */
public final class ConnectionGate {
  private final int maxConnections;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();

  public ConnectionGate(int maxConnections) {
    this.maxConnections = maxConnections;
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
