package dev.hub.client;

import io.vertx.core.Future;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * How a {@link HubClient} connects. Fluent setters, defaults as in the JavaScript client.
 */
public final class HubClientOptions {
  /** What to do with a frame sent while disconnected when the offline queue is full. */
  public enum Overflow {
    DROP_OLDEST,
    REJECT
  }

  private List<String> urls = List.of();
  private Supplier<Future<String>> token;
  private String user;
  private Backoff backoff = Backoff.DEFAULT;
  private DoubleSupplier random = Math::random;
  private int queueMax = 1000;
  private Overflow overflow = Overflow.DROP_OLDEST;
  private long requestTimeoutMs = 10_000;
  private long connectTimeoutMs = 10_000;
  private long heartbeatMs;
  private double deadFactor = 2.5;

  /** Endpoints such as {@code ws://127.0.0.1:8080/ws}, tried in turn: every new attempt uses the next. */
  public HubClientOptions setUrls(List<String> urls) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one URL");
    }
    this.urls = List.copyOf(urls);
    return this;
  }

  /** A fixed token, sent as {@code Authorization: Bearer}. */
  public HubClientOptions setToken(String token) {
    this.token = () -> Future.succeededFuture(token);
    return this;
  }

  /** Called before every connection attempt, so each reconnect uses a fresh token. */
  public HubClientOptions setTokenSupplier(Supplier<Future<String>> token) {
    this.token = Objects.requireNonNull(token);
    return this;
  }

  /** Open (development) mode only: the user to connect as ({@code ?user=}). */
  public HubClientOptions setUser(String user) {
    this.user = user;
    return this;
  }

  public HubClientOptions setBackoff(Backoff backoff) {
    this.backoff = Objects.requireNonNull(backoff);
    return this;
  }

  /** The jitter's random source, values in [0, 1). */
  public HubClientOptions setRandom(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random);
    return this;
  }

  public HubClientOptions setQueue(int max, Overflow overflow) {
    this.queueMax = max;
    this.overflow = Objects.requireNonNull(overflow);
    return this;
  }

  public HubClientOptions setRequestTimeoutMs(long ms) {
    this.requestTimeoutMs = ms;
    return this;
  }

  public HubClientOptions setConnectTimeoutMs(long ms) {
    this.connectTimeoutMs = ms;
    return this;
  }

  /** Overrides the heartbeat the server announces in {@code connected} (0: use the server's). */
  public HubClientOptions setHeartbeatMs(long ms) {
    this.heartbeatMs = ms;
    return this;
  }

  /** A connection silent for this many heartbeats is dead (default 2.5). */
  public HubClientOptions setDeadFactor(double factor) {
    this.deadFactor = factor;
    return this;
  }

  public List<String> urls() {
    return urls;
  }

  public Supplier<Future<String>> token() {
    return token;
  }

  public String user() {
    return user;
  }

  public Backoff backoff() {
    return backoff;
  }

  public DoubleSupplier random() {
    return random;
  }

  public int queueMax() {
    return queueMax;
  }

  public Overflow overflow() {
    return overflow;
  }

  public long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  public long connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public long heartbeatMs() {
    return heartbeatMs;
  }

  public double deadFactor() {
    return deadFactor;
  }
}
