package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import dev.hub.testkit.HubCluster;
import dev.hub.testkit.HubTestClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tokens never reach the logs: a node is started, used and stopped with every hub and Vert.x
 * logger at DEBUG while clients present tokens in the query string, in the {@code Authorization}
 * header, in an {@code auth} frame and to the HTTP API; everything logged meanwhile, rendered as
 * text (with MDC and stack traces) and as JSON lines (with arguments), is searched for them.
 */
class NoTokenInLogsIT {
  private static final Duration WAIT = HubCluster.TIMEOUT;
  // JWT-shaped, each with a signature of its own so a partial leak is caught too.
  private static final List<String> TOKENS = List.of(
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.cXVlcnktc3RyaW5nLXNpZ25hdHVyZQ",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.YXV0aG9yaXphdGlvbi1oZWFkZXItc2ln",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYXJvbCJ9.YXV0aC1mcmFtZS1zaWduYXR1cmUtMDE",
      "eyJhbGciOiJIUzI1NiJ9.eyJhZG1pbiI6dHJ1ZX0.aHR0cC1hcGktc2lnbmF0dXJlLXh5ego");

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream rendered = new ByteArrayOutputStream();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private OutputStreamAppender<ILoggingEvent> text;
  private OutputStreamAppender<ILoggingEvent> json;
  private Level rootLevel;

  @BeforeEach
  void captureEverything() {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setPattern("%level %logger %mdc %msg %kvp %ex{full}%n");
    text = appender("capture-text", pattern);
    JsonEncoder jsonEncoder = new JsonEncoder();
    jsonEncoder.setWithArguments(true);
    json = appender("capture-json", jsonEncoder);
    events.setContext(context);
    events.start();
    for (String name : List.of("dev.hub", "io.vertx")) {
      context.getLogger(name).setLevel(Level.DEBUG);
    }
    root.addAppender(text);
    root.addAppender(json);
    root.addAppender(events);
  }

  private OutputStreamAppender<ILoggingEvent> appender(
      String name, Encoder<ILoggingEvent> encoder) {
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName(name);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(rendered);
    appender.start();
    return appender;
  }

  @AfterEach
  void restoreLogging() {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAppender(text);
    root.detachAppender(json);
    root.detachAppender(events);
    text.stop();
    json.stop();
    events.stop();
    context.getLogger("dev.hub").setLevel(null);
    context.getLogger("io.vertx").setLevel(null);
    root.setLevel(rootLevel);
  }

  @Test
  void noTokenIsLoggedFromAnyWayOfPresentingIt() throws Exception {
    String connectionId;
    try (HubCluster cluster = HubCluster.start(1)) {
      HubTestClient byQuery = cluster.connectPath(0, "/ws?user=alice&token=" + TOKENS.get(0));
      connectionId = byQuery
          .received(f -> "connected".equals(f.getString("type")))
          .get(0)
          .getString("connectionId");
      HubTestClient byHeader =
          cluster.connectPath(0, "/ws", Map.of("Authorization", "Bearer " + TOKENS.get(1)));
      HubTestClient byFrame = cluster.connect(0, null);
      assertThat(byFrame
              .request(
                  new JsonObject().put("type", "auth").put("id", 1).put("token", TOKENS.get(2)),
                  WAIT)
              .getString("type"))
          .isEqualTo("authenticated");
      // Bad input on each connection, so its error paths log too.
      for (HubTestClient client : List.of(byQuery, byHeader, byFrame)) {
        client.sendText("{not json " + TOKENS.get(2));
        client.awaitType("error", WAIT);
      }
      HttpResponse<String> published = HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                      + cluster.node(0).port() + "/api/publish?token=" + TOKENS.get(3)))
                  .header("Authorization", "Bearer " + TOKENS.get(3))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"event\":{\"type\":\"notice\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(published.statusCode()).isEqualTo(200);
      byHeader.close();
      cluster.stopNode(0);
    }
    String logged = rendered.toString(StandardCharsets.UTF_8);
    assertThat(logged.lines().count()).as("the capture saw the node's logging").isGreaterThan(10);
    for (String token : TOKENS) {
      assertThat(logged)
          .doesNotContain(token)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }
    // Connection-scoped lines carry the connection id the client was given.
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> events.list.stream()
            .anyMatch(event -> connectionId.equals(event.getMDCPropertyMap().get("connection"))));
  }
}
