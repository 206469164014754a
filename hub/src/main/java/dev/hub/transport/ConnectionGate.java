package dev.hub.transport;

import dev.hub.config.LimitsConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission for the whole node, shared by its event loops: the per-node and per-user connection
 * limits, the limits on connections still waiting to authenticate (per client address and per
 * node), and the draining state of a graceful stop, during which no new connection is taken. It
 * also keeps two figures about slow consumers, for tests and operators: the most bytes any one
 * connection had written but not yet handed to the kernel, and how many connections were closed
 * for not reading.
 */
public final class ConnectionGate {
  private final int maxConnections;
  private final int maxPerUser;
  private final int maxUnauthenticatedPerAddress;
  private final int maxUnauthenticated;
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> users = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> unauthenticatedByAddress =
      new ConcurrentHashMap<>();
  private final AtomicInteger unauthenticated = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong outboundPeak = new AtomicLong();

  /** A gate with the default limits on unauthenticated connections. */
  public ConnectionGate(int maxConnections, int maxPerUser) {
    this(
        maxConnections,
        maxPerUser,
        LimitsConfig.DEFAULT_UNAUTHENTICATED_PER_IP,
        LimitsConfig.DEFAULT_UNAUTHENTICATED_PER_NODE);
  }

  public ConnectionGate(
      int maxConnections,
      int maxPerUser,
      int maxUnauthenticatedPerAddress,
      int maxUnauthenticated) {
    this.maxConnections = maxConnections;
    this.maxPerUser = maxPerUser;
    this.maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress;
    this.maxUnauthenticated = maxUnauthenticated;
  }

  /** Takes a place for a new connection; false when the node is full. */
  boolean tryEnter() {
    return tryIncrement(connections, maxConnections);
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
    return tryIncrement(users, user, maxPerUser);
  }

  void leaveUser(String user) {
    decrement(users, user);
  }

  /**
   * Takes a place for a connection that came without a token, from this client address; false
   * when the address or the node already has as many as allowed. Such a connection costs a socket
   * and a session for up to the auth timeout before anyone knows who it is, so one address (or a
   * few) must not be able to hold them by the thousand.
   */
  boolean tryEnterUnauthenticated(String address) {
    if (!tryIncrement(unauthenticated, maxUnauthenticated)) {
      return false;
    }
    if (!tryIncrement(unauthenticatedByAddress, address, maxUnauthenticatedPerAddress)) {
      unauthenticated.decrementAndGet();
      return false;
    }
    return true;
  }

  /** The connection from this address authenticated or closed. */
  void leaveUnauthenticated(String address) {
    decrement(unauthenticatedByAddress, address);
    unauthenticated.decrementAndGet();
  }

  /** Connections on this node that have not authenticated yet. */
  public int unauthenticated() {
    return unauthenticated.get();
  }

  private static boolean tryIncrement(AtomicInteger counter, int max) {
    while (true) {
      int current = counter.get();
      if (current >= max) {
        return false;
      }
      if (counter.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  private static boolean tryIncrement(
      ConcurrentHashMap<String, Integer> counts, String key, int max) {
    boolean[] admitted = {false};
    counts.compute(key, (name, count) -> {
      int current = count == null ? 0 : count;
      if (current >= max) {
        return count;
      }
      admitted[0] = true;
      return current + 1;
    });
    return admitted[0];
  }

  private static void decrement(ConcurrentHashMap<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (name, count) -> count <= 1 ? null : count - 1);
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
