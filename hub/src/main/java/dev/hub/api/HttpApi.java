package dev.hub.api;

import dev.hub.auth.Authenticator;
import dev.hub.auth.Credentials;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.PublishRequest;
import dev.hub.routing.Publisher;
import dev.hub.transport.ConnectionGate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side of a node (PROTOCOL.md section 8): {@code POST /api/publish} for any backend,
 * {@code GET /health} (the process is alive) and {@code GET /ready} (joined the cluster and not
 * draining, so a load balancer may send it clients).
 */
public final class HttpApi {
  private static final String BEARER = "Bearer ";

  private final Vertx vertx;
  private final Publisher publisher;
  private final Authenticator authenticator;
  private final ConnectionGate gate;
  private final BooleanSupplier clusterJoined;
  private final int bodyLimit;

  public HttpApi(Vertx vertx, Publisher publisher, Authenticator authenticator, ConnectionGate gate,
                 BooleanSupplier clusterJoined, int bodyLimit) {
    this.vertx = vertx;
    this.publisher = publisher;
    this.authenticator = authenticator;
    this.gate = gate;
    this.clusterJoined = clusterJoined;
    this.bodyLimit = bodyLimit;
  }

  public void mount(Router router) {
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(
        HealthChecks.create(vertx).register("process", promise -> promise.complete(Status.OK()))));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
        .register("cluster", promise -> promise.complete(clusterJoined.getAsBoolean() ? Status.OK() : Status.KO()))
        .register("accepting", promise -> promise.complete(gate.isDraining() ? Status.KO() : Status.OK()))));
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
        .onFailure(ctx::fail)
        .onSuccess(identity -> {
          if (identity.isEmpty()) {
            ctx.fail(new HubException(ErrorCode.UNAUTHORIZED, "an admin token is required"));
          } else if (!identity.get().grants().admin()) {
            ctx.fail(new HubException(ErrorCode.FORBIDDEN, "the token has no admin claim"));
          } else {
            ctx.next();
          }
        });
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
