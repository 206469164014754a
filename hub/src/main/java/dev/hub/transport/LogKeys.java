package dev.hub.transport;

/** Keys the hub puts in the logging context (MDC); they appear in every line logged within it. */
public final class LogKeys {
  /** The connection id of connection-scoped lines, the same id the client got in {@code connected}. */
  public static final String CONNECTION = "connection";

  private LogKeys() {}
}
