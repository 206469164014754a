package dev.hub.transport;

import dev.hub.auth.Authenticator;
import dev.hub.auth.Credentials;
import dev.hub.auth.Identity;
import dev.hub.auth.OriginPolicy;
import dev.hub.internals.VertxInternals;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.session.Session;
import dev.hub.session.SessionServices;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code GET /ws}: authenticates before the upgrade (a refused token is an HTTP 401, docs/protocol.md
 * section 1), upgrades, and gives each socket a {@link Connection} and a {@link Session}. One per
 * event loop; it keeps that loop's live connections for the heartbeat and a graceful stop.
 */
public final class WebSocketEndpoint implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);
  private static final String BEARER = "Bearer ";

  private final SessionServices services;
  private final Authenticator authenticator;
  private final ConnectionGate gate;
  private final OriginPolicy origins;
  private final HubMetrics metrics;
  private final Set<Connection> live = new LinkedHashSet<>();
  private Promise<Void> drained;

  public WebSocketEndpoint(
      SessionServices services, ConnectionGate gate, OriginPolicy origins, HubMetrics metrics) {
    this.services = services;
    this.authenticator = services.authenticator();
    this.gate = gate;
    this.origins = origins;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (!origins.allows(origin)) {
      refuse(ctx, new HubException(ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed"));
      return;
    }
    authenticator
        .authenticate(credentials(request))
        .onFailure(e -> refuse(ctx, e))
        .onSuccess(identity -> request
            .toWebSocket()
            .onSuccess(ws -> accept(ctx, ws, identity.orElse(null)))
            .onFailure(e -> log.debug("upgrade failed: {}", e.toString())));
  }

  private static Credentials credentials(HttpServerRequest request) {
    String token = request.getParam("token");
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (token == null
        && header != null
        && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      token = header.substring(BEARER.length()).trim();
    }
    return new Credentials(token, request.getParam("user"));
  }

  /** A refusal before the upgrade: 401 for a token, 403 for an origin, with the JSON body of section 1. */
  private void refuse(RoutingContext ctx, Throwable failure) {
    HubException error = failure instanceof HubException hub
        ? hub
        : new HubException(ErrorCode.UNAUTHORIZED, "token refused");
    metrics.authFailure("upgrade", error.code().wire());
    ctx.response()
        .setStatusCode(error.code().httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(ServerFrames.httpError(error.code(), error.getMessage()).encode());
  }

  private void accept(RoutingContext ctx, ServerWebSocket ws, Identity identity) {
    Channel channel = channelOf(ctx);
    SocketFootprint.trim(channel);
    Connection connection = new Connection(
        ws,
        channel,
        services.limits(),
        System::nanoTime,
        ctx.vertx(),
        services.clock(),
        gate,
        metrics);
    metrics.connectionOpened();
    Session session = new Session(UUID.randomUUID().toString(), identity, connection, services);
    // A browser cannot read the HTTP status of a failed upgrade, so refusals for load are sent
    // on the open socket, where the client can tell them apart.
    if (!gate.tryEnter()) {
      connection.bind(session, v -> metrics.connectionClosed(connection.closeCode()));
      session.fail(null, new HubException(ErrorCode.TOO_MANY_CONNECTIONS, "this node is full"));
      return;
    }
    live.add(connection);
    logOpened(session);
    connection.bind(session, v -> {
      live.remove(connection);
      gate.leave();
      metrics.connectionClosed(connection.closeCode());
      log.debug("connection closed with code {}", connection.closeCode());
      if (drained != null && live.isEmpty()) {
        drained.tryComplete();
      }
    });
    if (gate.isDraining()) {
      connection.drain(0);
      return;
    }
    if (identity == null) {
      if (!connection.awaitAuth(ws.remoteAddress().hostAddress())) {
        session.fail(
            null,
            new HubException(
                ErrorCode.TOO_MANY_CONNECTIONS,
                "too many connections waiting for their auth frame, from this address or on this node"));
        return;
      }
    } else if (!connection.identified(identity)) {
      session.fail(
          null,
          new HubException(
              ErrorCode.TOO_MANY_CONNECTIONS, "too many connections for user " + identity.user()));
      return;
    }
    session.open();
  }

  private static void logOpened(Session session) {
    if (!log.isDebugEnabled()) {
      return;
    }
    MDC.put(LogKeys.CONNECTION, session.connectionId());
    try {
      log.debug("connection opened for user {}", session.user());
    } finally {
      MDC.remove(LogKeys.CONNECTION);
    }
  }

  /**
   * The Netty channel under the request, which the WebSocket keeps after the upgrade. vertx-web
   * wraps the socket and hides it; the connection does not. Null when it cannot be had (then frames
   * go through Vert.x, see {@link SocketWrites}).
   */
  static Channel channelOf(RoutingContext ctx) {
    return VertxInternals.channel(ctx.request().connection());
  }

  /** Pings every live connection and closes the silent ones. */
  public void heartbeat(long intervalNanos) {
    for (Connection connection : Set.copyOf(live)) {
      connection.heartbeat(intervalNanos);
    }
  }

  /**
   * Drains every live connection: each refuses new frames, lets the requests in flight send their
   * replies, then gets {@code reconnect} and close 1012.
   *
   * @param settleMs the longest a connection's requests in flight may hold it open
   * @return completes when the last of them has closed
   */
  public Future<Void> drainAll(long settleMs) {
    drained = Promise.promise();
    for (Connection connection : Set.copyOf(live)) {
      connection.drain(settleMs);
    }
    if (live.isEmpty()) {
      drained.tryComplete();
    }
    return drained.future();
  }

  /**
   * Drains every live connection as {@link #drainAll} does while the node goes on serving: it can
   * no longer serve them well (it lost sight of the cluster's majority).
   */
  public void reconnectAll(long settleMs) {
    for (Connection connection : Set.copyOf(live)) {
      connection.drain(settleMs);
    }
  }

  public int liveConnections() {
    return live.size();
  }
}
