package dev.hub.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * What operators and their tools read (docs/protocol.md section 8): {@code GET /health} (the process
 * answers), {@code GET /ready} (see {@link Readiness}), {@code GET /metrics} (Prometheus text) and
 * {@code GET /api/stats} (the whole cluster; admin only, as all of {@code /api}). Mount it after
 * {@link HttpApi}, whose admin check guards {@code /api/*}.
 */
public final class OperationsApi {
  /** The Prometheus text exposition format the registry writes. */
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;
  private final ClusterStats stats;

  public OperationsApi(
      Vertx vertx, Readiness readiness, PrometheusMeterRegistry registry, ClusterStats stats) {
    this.vertx = vertx;
    this.readiness = readiness;
    this.registry = registry;
    this.stats = stats;
  }

  public void mount(Router router) {
    router
        .get("/health")
        .handler(HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx)
            .register("process", promise -> promise.complete(Status.OK()))));
    router
        .get("/ready")
        .handler(HealthCheckHandler.createWithHealthChecks(readiness.checks(vertx)));
    router.get("/metrics").handler(this::metrics);
    router.get("/api/stats").handler(this::stats);
  }

  private void metrics(RoutingContext ctx) {
    // Formatting every meter is CPU work that grows with the registry: keep it off the event loop.
    vertx
        .executeBlocking(registry::scrape, false)
        .onFailure(ctx::fail)
        .onSuccess(text ->
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text));
  }

  private void stats(RoutingContext ctx) {
    stats
        .gather()
        .onFailure(ctx::fail)
        .onSuccess(summary -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(summary.encode()));
  }
}
