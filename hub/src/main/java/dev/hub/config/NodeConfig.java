package dev.hub.config;

/**
 * How this node serves clients.
 *
 * @param port HTTP and WebSocket port; 0 picks a free one
 * @param host bind address
 * @param open development mode: no token needed, every permission
 * @param insecure allow open mode on a non-loopback bind address
 * @param nodeId the id reported in {@code connected} frames and stats
 * @param eventLoops how many event loops serve connections (one gateway verticle each)
 * @param heartbeatMs interval of WebSocket pings; a connection silent for two intervals is closed
 * @param drainTimeoutMs how long a graceful stop waits for its clients in all: the requests in flight
 *     on a connection may hold its {@code reconnect} back for half of it, the clients have the rest
 *     to close
 * @param drainDelayMs how long a graceful stop answers {@code /ready} with 503 before it closes any
 *     client, so load balancers stop sending new clients here first
 * @param logFormat {@code text} (readable lines) or {@code json} (one JSON object per line)
 * @param transport how sockets are driven: {@code auto} (Linux's epoll where its native library
 *     loads, else Java NIO) or {@code nio}
 */
public record NodeConfig(
    int port,
    String host,
    boolean open,
    boolean insecure,
    String nodeId,
    int eventLoops,
    long heartbeatMs,
    long drainTimeoutMs,
    long drainDelayMs,
    String logFormat,
    String transport) {
  public static final String LOG_TEXT = "text";
  public static final String LOG_JSON = "json";
  public static final String TRANSPORT_AUTO = "auto";
  public static final String TRANSPORT_NIO = "nio";
}
