package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class IdleConnectionsTest {
  @Test
  void givesUpOnAServerThatRefusesEverything() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    IdleOptions options = new IdleOptions(
        List.of(URI.create("ws://127.0.0.1:" + closedPort + "/ws")),
        1000,
        Target.HUB,
        null,
        0,
        List.of(),
        Duration.ZERO,
        List.of());

    IdleResult result = IdleConnections.run(options);

    assertThat(result.opened()).isZero();
    assertThat(result.failed()).isGreaterThanOrEqualTo(PacedConnector.GIVE_UP_AFTER);
    assertThat(result.notAttempted()).isPositive();
    assertThat(result.failed() + result.notAttempted()).isEqualTo(1000);
    assertThat(result.reasons()).isNotEmpty();
  }
}
