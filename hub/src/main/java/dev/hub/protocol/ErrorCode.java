package dev.hub.protocol;

/**
 * The closed catalogue of error codes a client can receive, mirroring section 5 of docs/protocol.md.
 *
 * <p>Each code knows its wire string, the WebSocket close code that follows it (or none: the
 * connection stays open) and the HTTP status it maps to when it reaches an HTTP caller.
 */
public enum ErrorCode {
  /** The text is not JSON. */
  INVALID_JSON("invalid_json", CloseCode.NONE, 400),
  /** Not an object, no string {@code type}, wrong field types, or a server-only type. */
  INVALID_FRAME("invalid_frame", CloseCode.NONE, 400),
  /** The channel name is not 1-255 characters of {@code A-Z a-z 0-9 _ - . : @ /}. */
  BAD_CHANNEL("bad_channel", CloseCode.NONE, 400),
  /** The connection's grants do not allow the channel, broadcast or direct. */
  FORBIDDEN("forbidden", CloseCode.NONE, 403),
  /** Unsubscribe from a channel the connection is not subscribed to. */
  NOT_SUBSCRIBED("not_subscribed", CloseCode.NONE, 400),
  /** Over the per-connection message rate; the connection is closed when it goes on. */
  RATE_LIMITED("rate_limited", CloseCode.POLICY_VIOLATION, 429),
  /** A frame over the size limit. */
  TOO_LARGE("too_large", CloseCode.MESSAGE_TOO_BIG, 413),
  /** Over the per-connection subscription limit. */
  TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions", CloseCode.NONE, 400),
  /** A bad token, or no {@code auth} frame in time. */
  UNAUTHORIZED("unauthorized", CloseCode.UNAUTHORIZED, 401),
  /** The token expired on a live connection. */
  TOKEN_EXPIRED("token_expired", CloseCode.TOKEN_EXPIRED, 401),
  /** Over the per-user or per-node connection limit. */
  TOO_MANY_CONNECTIONS("too_many_connections", CloseCode.TOO_MANY_CONNECTIONS, 429),
  /** The client does not read and its outbound buffer passed its limit. */
  SLOW_CONSUMER("slow_consumer", CloseCode.SLOW_CONSUMER, 503),
  /** An {@code rpc} to an address nobody in the cluster serves. */
  NO_HANDLER("no_handler", CloseCode.NONE, 404),
  /** An {@code rpc} got no reply in time. */
  TIMEOUT("timeout", CloseCode.NONE, 504),
  /** The service answered an {@code rpc} with a failure. */
  RPC_FAILED("rpc_failed", CloseCode.NONE, 502),
  /**
   * History cannot be served or numbered here now: this node does not see a majority of the
   * cluster, or the cluster store did not answer in time (docs/protocol.md section 10).
   */
  UNAVAILABLE("unavailable", CloseCode.NONE, 503),
  /** Over the node's limit of history channels, or a connection starts new ones too fast. */
  TOO_MANY_CHANNELS("too_many_channels", CloseCode.NONE, 429),
  /**
   * HTTP API only: a body whose {@code Content-Type} is not {@code application/json}. A browser posts
   * forms and {@code text/plain} cross-site without asking first; JSON it does not.
   */
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", CloseCode.NONE, 415),
  /** A bug; logged with the connection id. */
  INTERNAL("internal", CloseCode.NONE, 500);

  private final String wire;
  private final int closeCode;
  private final int httpStatus;

  ErrorCode(String wire, int closeCode, int httpStatus) {
    this.wire = wire;
    this.closeCode = closeCode;
    this.httpStatus = httpStatus;
  }

  /** The code as it appears in the {@code code} field of an error frame or HTTP body. */
  public String wire() {
    return wire;
  }

  /**
   * The WebSocket close code listed for this error, or {@link CloseCode#NONE}. For
   * {@link #RATE_LIMITED} the close only follows when the client goes on.
   */
  public int closeCode() {
    return closeCode;
  }

  /** The HTTP status this error becomes on the HTTP API. */
  public int httpStatus() {
    return httpStatus;
  }
}
