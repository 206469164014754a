package dev.hub.api;

import dev.hub.auth.Authenticator;
import dev.hub.auth.Credentials;
import dev.hub.auth.OriginPolicy;
import dev.hub.config.HubConfig;
import dev.hub.history.HistoryQuery;
import dev.hub.history.HistoryStore;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.PresenceQuery;
import dev.hub.presence.PresenceStore;
import dev.hub.protocol.ChannelNames;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.PublishRequest;
import dev.hub.protocol.StreamPosition;
import dev.hub.routing.Publisher;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP API of a node (docs/protocol.md section 8): the origin and admin checks on {@code /api/*},
 * {@code POST /api/publish} for any backend, and {@code GET /api/channels/{channel}/history} and
 * {@code .../presence}. Health, readiness, metrics and stats are in {@link OperationsApi}.
 */
public final class HttpApi {
  private static final String BEARER = "Bearer ";

  private final HubConfig config;
  private final Publisher publisher;
  private final HistoryStore history;
  private final PresenceStore presence;
  private final Authenticator authenticator;
  private final OriginPolicy origins;
  private final HubMetrics metrics;
  private final BodyGate bodies;

  public HttpApi(
      HubConfig config,
      Publisher publisher,
      HistoryStore history,
      PresenceStore presence,
      Authenticator authenticator,
      OriginPolicy origins,
      HubMetrics metrics) {
    this.config = config;
    this.publisher = publisher;
    this.history = history;
    this.presence = presence;
    this.authenticator = authenticator;
    this.origins = origins;
    this.metrics = metrics;
    // A publish body becomes one event, which a client could not send in a frame over this either.
    this.bodies = new BodyGate(config.limits().frameBytes());
  }

  public void mount(Router router) {
    // The body waits, paused, until the caller is admitted: nothing is read for a refused one.
    router.route("/api/*").handler(bodies::hold);
    router.route("/api/*").handler(this::requireOrigin);
    router.route("/api/*").handler(this::requireAdmin);
    router
        .post("/api/publish")
        .handler(bodies::requireJson)
        .handler(bodies::read)
        .handler(this::publish);
    router.get("/api/channels/:channel/history").handler(this::history);
    router.get("/api/channels/:channel/presence").handler(this::presence);
    router.route("/api/*").failureHandler(ctx -> ApiErrors.send(ctx, failureOf(ctx)));
  }

  /**
   * A page on a site the node does not trust must not use the API, whatever token the browser
   * holds for it; in open mode, where no token is needed, that is any site but this machine's.
   */
  private void requireOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (!origins.allows(origin)) {
      refuse(ctx, new HubException(ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed"));
      return;
    }
    ctx.next();
  }

  /** The HTTP API acts for the whole system, so it needs a token with the {@code admin} claim. */
  private void requireAdmin(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim()
        : null;
    authenticator
        .authenticate(new Credentials(token, null))
        .onFailure(e -> refuse(
            ctx,
            e instanceof HubException hub
                ? hub
                : new HubException(ErrorCode.UNAUTHORIZED, "the token was refused")))
        .onSuccess(identity -> {
          if (identity.isEmpty()) {
            refuse(ctx, new HubException(ErrorCode.UNAUTHORIZED, "an admin token is required"));
          } else if (!identity.get().grants().admin()) {
            refuse(ctx, new HubException(ErrorCode.FORBIDDEN, "the token has no admin claim"));
          } else {
            ctx.next();
          }
        });
  }

  private void refuse(RoutingContext ctx, HubException error) {
    metrics.authFailure("api", error.code().wire());
    ctx.fail(error);
  }

  private void publish(RoutingContext ctx) {
    PublishRequest request = PublishRequest.parse(ctx.body().asJsonObject());
    publisher
        .publishFromServer(AudienceOf.request(request), request.event())
        .onFailure(ctx::fail)
        .onSuccess(receipt -> respond(ctx, receipt.toJson()));
  }

  /** {@code ?since=<offset>&epoch=<epoch>&limit=<n>}, all optional. */
  private void history(RoutingContext ctx) {
    String channel = ChannelNames.require(ctx.pathParam("channel"));
    StreamPosition since = ctx.request().getParam("since") == null
        ? null
        : new StreamPosition(number(ctx, "since"), ctx.request().getParam("epoch", ""));
    Integer limit =
        ctx.request().getParam("limit") == null ? null : (int) Math.max(1, number(ctx, "limit"));
    new HistoryQuery(history, config)
        .query(channel, since, limit)
        .onFailure(ctx::fail)
        .onSuccess(json -> respond(ctx, json));
  }

  private void presence(RoutingContext ctx) {
    String channel = ChannelNames.require(ctx.pathParam("channel"));
    new PresenceQuery(presence, config)
        .query(channel)
        .onFailure(ctx::fail)
        .onSuccess(json -> respond(ctx, json));
  }

  private static long number(RoutingContext ctx, String name) {
    try {
      return Long.parseLong(ctx.request().getParam(name));
    } catch (NumberFormatException e) {
      throw new HubException(ErrorCode.INVALID_FRAME, name + " must be a number");
    }
  }

  private static void respond(RoutingContext ctx, JsonObject json) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json.encode());
  }

  private static Throwable failureOf(RoutingContext ctx) {
    if (ctx.failure() != null) {
      return ctx.failure();
    }
    return ctx.statusCode() == 413
        ? new HubException(ErrorCode.TOO_LARGE, "the body is too large")
        : new HubException(
            ErrorCode.INVALID_FRAME, "bad request (status " + ctx.statusCode() + ")");
  }
}
