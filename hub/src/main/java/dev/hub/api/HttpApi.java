package dev.hub.api;

import dev.hub.auth.Authenticator;
import dev.hub.auth.Credentials;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.PublishRequest;
import dev.hub.routing.Publisher;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP API of a node (PROTOCOL.md section 8): the admin check on {@code /api/*} and
 * {@code POST /api/publish} for any backend. Health, readiness, metrics and stats are in
 * {@link OperationsApi}.
 */
public final class HttpApi {
  private static final String BEARER = "Bearer ";

  private final Publisher publisher;
  private final Authenticator authenticator;
  private final HubMetrics metrics;
  private final int bodyLimit;

  public HttpApi(Publisher publisher, Authenticator authenticator, HubMetrics metrics, int bodyLimit) {
    this.publisher = publisher;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.bodyLimit = bodyLimit;
  }

  public void mount(Router router) {
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(bodyLimit));
    router.route("/api/*").handler(this::requireAdmin);
    router.post("/api/publish").handler(this::publish);
    router.route("/api/*").failureHandler(ctx -> ApiErrors.send(ctx, failureOf(ctx)));
  }

  /** The HTTP API acts for the whole system, so it needs a token with the {@code admin} claim. */
  private void requireAdmin(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim() : null;
    authenticator.authenticate(new Credentials(token, null))
        .onFailure(e -> refuse(ctx, e instanceof HubException hub ? hub
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
    publisher.publishFromServer(AudienceOf.request(request), request.event())
        .onFailure(ctx::fail)
        .onSuccess(receipt -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(receipt.toJson().encode()));
  }

  private static Throwable failureOf(RoutingContext ctx) {
    if (ctx.failure() != null) {
      return ctx.failure();
    }
    return ctx.statusCode() == 413
        ? new HubException(ErrorCode.TOO_LARGE, "the body is too large")
        : new HubException(ErrorCode.INVALID_FRAME, "bad request (status " + ctx.statusCode() + ")");
  }
}
