package dev.hub.protocol;

/**
 * The one exception type the hub raises for anything a caller did wrong or could not have.
 * It becomes an error frame in one place (the session) and an HTTP status in one place (the API).
 */
public final class HubException extends RuntimeException {
  private final ErrorCode code;
  private final Object requestId;

  public HubException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * @param requestId the {@code id} of the client frame that failed, when it could be read, so the
   *     error frame carries it
   */
  public HubException(ErrorCode code, String message, Object requestId) {
    super(message, null, false, false);
    this.code = code;
    this.requestId = requestId;
  }

  public ErrorCode code() {
    return code;
  }

  /** The failing frame's {@code id}, or null. */
  public Object requestId() {
    return requestId;
  }
}
