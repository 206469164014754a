package dev.hub.client;

/**
 * A failed request: {@link #code()} is the protocol's error code ({@code forbidden}, {@code no_handler},
 * {@code timeout}, ...) or one of the client's: {@code disconnected} (sent, then the connection
 * dropped: the outcome is unknown), {@code queue_full}, {@code closed}, {@code token_failed}.
 */
public final class HubClientException extends RuntimeException {
  private final String code;

  public HubClientException(String code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
