package dev.hub.api;

import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * What the HTTP API does with request bodies (docs/protocol.md section 8): none is read before the
 * caller is admitted, only JSON is read, never more than the limit, and never to disk.
 *
 * <p>Order on a route: {@link #hold} first (before any check that may wait), then the checks, then
 * {@link #requireJson} and {@link #read} on the routes that take a body.
 */
final class BodyGate {
  private static final String JSON = "application/json";

  private final long limit;
  private final BodyHandler reader;

  /** @param limit the most bytes of a body read, and discarded after a refusal */
  BodyGate(long limit) {
    this.limit = limit;
    // No file uploads: vertx-web's default writes every file part to ./file-uploads as it arrives.
    this.reader = BodyHandler.create(false).setBodyLimit(limit).setMergeFormAttributes(false);
  }

  /**
   * Pauses the request until a later handler reads its body. Vert.x 5 drops body bytes that arrive
   * while nobody reads them, and the admin check may complete later than the body arrives. A
   * paused request stops the connection's reads once 16 chunks (of at most 8 KiB) are queued, so
   * a client cannot make the node buffer more than that of what it has not admitted.
   */
  void hold(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    ctx.addEndHandler(sent -> {
      if (sent.succeeded()) {
        discardRest(request);
      }
    });
    ctx.next();
  }

  /**
   * A refused request may leave its body unread; the connection then waits for it before the next
   * request. Discard it, but only up to the limit: past that the client is sending what nobody
   * asked for, and the connection is closed.
   */
  private void discardRest(HttpServerRequest request) {
    if (request.isEnded()) {
      return;
    }
    long[] discarded = {0};
    request.handler(chunk -> {
      discarded[0] += chunk.length();
      if (discarded[0] > limit) {
        request.handler(null);
        request.connection().close();
      }
    });
    request.resume();
  }

  /**
   * 415 unless the body is declared {@code application/json}: browsers send forms, multipart and
   * {@code text/plain} cross-site without a CORS preflight, but not JSON.
   */
  void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals(JSON)) {
      ctx.fail(new HubException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be " + JSON));
      return;
    }
    ctx.next();
  }

  /** Reads the (resumed) body into memory, or fails with 413 as soon as it passes the limit. */
  void read(RoutingContext ctx) {
    reader.handle(ctx);
  }
}
