package dev.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.auth.Authenticator;
import dev.hub.auth.Credentials;
import dev.hub.auth.Identity;
import dev.hub.auth.OpenAuthenticator;
import dev.hub.auth.OriginPolicy;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import dev.hub.history.LocalHistoryStore;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.routing.ClusterBus;
import dev.hub.routing.Publisher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin check runs before the body is read, and may take its time (a key fetched, a slow
 * verifier): the request is paused meanwhile, so a body that arrives during the check, all of it
 * at once here, is neither lost nor read early. Without the pause Vert.x drops body bytes that
 * arrive before anyone reads them.
 */
class SlowAdminCheckTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aBodyThatArrivesDuringASlowAdminCheckIsReadWhole() throws Exception {
    HubConfig config = ConfigReader.read(new JsonObject().put("open", true));
    Clock clock = Clock.systemUTC();
    LocalHistoryStore history = new LocalHistoryStore(clock);
    HubMetrics metrics = HubMetrics.detached();
    HttpApi api = new HttpApi(
        config,
        new Publisher(new ClusterBus(vertx.eventBus(), metrics), history, config, clock),
        history,
        new LocalPresenceStore(),
        new SlowAuthenticator(vertx, 300),
        new OriginPolicy(List.of()),
        metrics);
    Router router = Router.router(vertx);
    api.mount(router);
    HttpServer server = vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);

    String body =
        "{\"channel\":\"tasks\",\"event\":{\"type\":\"t\",\"s\":\"" + "x".repeat(20_000) + "\"}}";
    String response = exchange(
        server.actualPort(),
        "POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length()
            + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n{}");
  }

  private static String exchange(int port, String request) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Open mode's answer, given after a timer, as a verifier that has to wait for something would. */
  private record SlowAuthenticator(Vertx vertx, long delayMs) implements Authenticator {
    @Override
    public Future<Optional<Identity>> authenticate(Credentials credentials) {
      Promise<Optional<Identity>> later = Promise.promise();
      vertx.setTimer(
          delayMs, id -> new OpenAuthenticator().authenticate(credentials).onComplete(later));
      return later.future();
    }

    @Override
    public Future<Identity> authenticate(String token, Identity current) {
      return new OpenAuthenticator().authenticate(token, current);
    }
  }
}
