package dev.hub.protocol;

/** WebSocket close codes the hub uses (RFC 6455 section 7.4 and docs/protocol.md sections 5 and 6). */
public final class CloseCode {
  /** No close: the connection stays open after the error. */
  public static final int NONE = 0;
  /** The client did not answer heartbeats: it is gone. */
  public static final int GOING_AWAY = 1001;
  /** A text frame that is not valid UTF-8 (RFC 6455 section 8.1). */
  public static final int INVALID_PAYLOAD = 1007;
  /** The client kept going over the message rate. */
  public static final int POLICY_VIOLATION = 1008;
  /** A frame over the size limit. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** A bug on the server side. */
  public static final int INTERNAL_ERROR = 1011;
  /** The node is shutting down: reconnect at once, to another node. */
  public static final int SERVICE_RESTART = 1012;
  /** The outbound buffer passed its limit. */
  public static final int SLOW_CONSUMER = 4009;
  /** Bad token, or no {@code auth} frame in time. */
  public static final int UNAUTHORIZED = 4401;
  /** The token expired on a live connection. */
  public static final int TOKEN_EXPIRED = 4403;
  /** Over the per-user or per-node connection limit. */
  public static final int TOO_MANY_CONNECTIONS = 4429;

  private CloseCode() {}
}
