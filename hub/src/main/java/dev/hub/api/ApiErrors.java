package dev.hub.api;

import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place a failure becomes an HTTP status and a {@code {"code","message"}} body. */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static void send(RoutingContext ctx, Throwable failure) {
    HubException error;
    if (failure instanceof HubException hub) {
      error = hub;
    } else if (failure instanceof DecodeException) {
      error = new HubException(ErrorCode.INVALID_JSON, "the body is not valid JSON");
    } else {
      log.error("internal error on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error = new HubException(ErrorCode.INTERNAL, "internal error");
    }
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(error.code().httpStatus())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(ServerFrames.httpError(error.code(), error.getMessage()).encode());
  }
}
