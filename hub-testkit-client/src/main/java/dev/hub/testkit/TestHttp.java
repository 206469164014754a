package dev.hub.testkit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HTTP requests from a test to a node through a Vert.x {@code HttpClient}, each built on an event
 * loop ({@link #onEventLoop}). Blocking: call from the test thread.
 */
public final class TestHttp {
  /** How long a request to a node on this machine may take. */
  public static final Duration WAIT = Duration.ofSeconds(20);

  /** A status and the body that came with it (none for an accepted upgrade). */
  public record Answer(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private TestHttp() {}

  /**
   * {@code method path} on {@code 127.0.0.1:port}, answered with its status and body.
   *
   * @param bearer a token for the {@code Authorization} header, or null for none
   * @param json a body sent as {@code application/json}, or null for none
   */
  public static Answer send(
      Vertx vertx,
      HttpClient client,
      HttpMethod method,
      int port,
      String path,
      String bearer,
      String json) {
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI(path);
    if (bearer != null) {
      options.putHeader("Authorization", "Bearer " + bearer);
    }
    try {
      return onEventLoop(
              vertx,
              () -> client
                  .request(options)
                  .compose(request -> json == null
                      ? request.send()
                      : request
                          .putHeader("Content-Type", "application/json")
                          .send(Buffer.buffer(json)))
                  .compose(response -> response
                      .body()
                      .map(body -> new Answer(response.statusCode(), body.toString()))))
          .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " on port " + port + " failed: " + e, e);
    }
  }

  /**
   * Runs {@code work} on an event loop of {@code vertx}. A chain like {@code
   * request().compose(send).compose(body)} built on the test thread attaches each callback after
   * the future it follows may already have completed; the response can then end before {@code
   * body()} is asked for, and the request hangs (eclipse-vertx/vert.x#6038). On the event loop,
   * each callback is attached in the same turn as the step it waits for starts.
   */
  public static <T> Future<T> onEventLoop(Vertx vertx, Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }
}
