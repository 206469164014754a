package dev.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.auth.TestTokens;
import dev.hub.config.ConfigReader;
import dev.hub.node.HubNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: a multipart upload to the HTTP API without a token. vertx-web's {@code BodyHandler}
 * writes file parts to {@code ./file-uploads/} as they arrive, so a body handler that runs before
 * the admin check lets anyone fill the node's disk. Now no body is read before the admin check, no
 * body is ever written to disk, and a multipart body is refused with 415 even from an admin.
 */
class UploadToDiskTest {
  /** Where vertx-web would write uploads: relative to the working directory, the node's and this JVM's. */
  private static final Path UPLOADS =
      Path.of(BodyHandler.DEFAULT_UPLOADS_DIRECTORY).toAbsolutePath();

  private static final String BOUNDARY = "hub-test-boundary";

  private Vertx vertx;
  private HubNode node;

  @BeforeEach
  void start() throws Exception {
    deleteUploads();
    vertx = Vertx.vertx();
    node = HubNode.deploy(
            vertx,
            ConfigReader.read(new JsonObject()
                .put("port", 0)
                .put("eventLoops", 1)
                .put("jwt", new JsonObject().put("secret", TestTokens.SECRET))))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    deleteUploads();
  }

  @Test
  void aMultipartUploadWithoutATokenGets401AndNothingIsWritten() throws Exception {
    byte[] body = multipart(60 * 1024);
    RawHttp.Response response = RawHttp.exchange(
        node.port(),
        RawHttp.head(
            "POST",
            "/api/publish",
            node.port(),
            "Content-Type: multipart/form-data; boundary=" + BOUNDARY,
            "Content-Length: " + body.length),
        body);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().getString("code")).isEqualTo("unauthorized");
    assertThat(UPLOADS).as("vertx-web's upload directory").doesNotExist();
  }

  @Test
  void theAdminCheckAnswersBeforeAnyOfTheBodyIsSent() throws Exception {
    try (RawHttp http = RawHttp.connect(node.port())) {
      // Only the head: a node that reads the body before checking the token waits here for 60 KiB.
      http.send(RawHttp.head(
              "POST",
              "/api/publish",
              node.port(),
              "Content-Type: multipart/form-data; boundary=" + BOUNDARY,
              "Content-Length: 61440")
          .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response response = http.readResponse();
      assertThat(response.status()).isEqualTo(401);
    }
    assertThat(UPLOADS).doesNotExist();
  }

  @Test
  void aMultipartUploadFromAnAdminGets415AndNothingIsWritten() throws Exception {
    String admin = TestTokens.hs256(TestTokens.claims("ops", b -> b.claim("admin", true)));
    byte[] body = multipart(60 * 1024);
    RawHttp.Response response = RawHttp.exchange(
        node.port(),
        RawHttp.head(
            "POST",
            "/api/publish",
            node.port(),
            "Authorization: Bearer " + admin,
            "Content-Type: multipart/form-data; boundary=" + BOUNDARY,
            "Content-Length: " + body.length),
        body);

    assertThat(response.status()).isEqualTo(415);
    assertThat(response.json().getString("code")).isEqualTo("unsupported_media_type");
    assertThat(UPLOADS).doesNotExist();
  }

  /** One file part of {@code size} bytes, as {@code curl -F f=@file} sends it. */
  private static byte[] multipart(int size) {
    String head =
        "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
    String tail = "\r\n--" + BOUNDARY + "--\r\n";
    return (head + "x".repeat(size) + tail).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Removes whatever a run of the old code (or a failed assertion) left in the working directory. */
  private static void deleteUploads() {
    if (!Files.exists(UPLOADS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(UPLOADS)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
