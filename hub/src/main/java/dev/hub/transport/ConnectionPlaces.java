package dev.hub.transport;

/**
 * The places one connection holds in the node's {@link ConnectionGate}: until it authenticates,
 * one among the unauthenticated connections of its address and of the node; once it has a user,
 * one among that user's connections (for its first identity only: a refreshed token is for the
 * same user). Each is given back once, when the connection authenticates or closes. Used on the
 * connection's event loop; not thread-safe.
 */
final class ConnectionPlaces {
  private final ConnectionGate gate;
  private String unauthenticatedFrom;
  private String user;

  ConnectionPlaces(ConnectionGate gate) {
    this.gate = gate;
  }

  /** @return false when the address or the node has no place left for a connection without a token */
  boolean takeUnauthenticated(String address) {
    if (!gate.tryEnterUnauthenticated(address)) {
      return false;
    }
    unauthenticatedFrom = address;
    return true;
  }

  /**
   * The connection authenticated: it leaves the unauthenticated count and, for its first user,
   * takes a place among that user's connections.
   *
   * @return false when the user already holds as many connections as allowed
   */
  boolean takeUser(String identified) {
    leaveUnauthenticated();
    if (user != null || identified == null) {
      return true;
    }
    if (!gate.tryEnterUser(identified)) {
      return false;
    }
    user = identified;
    return true;
  }

  /** The connection closed. */
  void releaseAll() {
    leaveUnauthenticated();
    if (user != null) {
      gate.leaveUser(user);
      user = null;
    }
  }

  private void leaveUnauthenticated() {
    if (unauthenticatedFrom != null) {
      gate.leaveUnauthenticated(unauthenticatedFrom);
      unauthenticatedFrom = null;
    }
  }
}
