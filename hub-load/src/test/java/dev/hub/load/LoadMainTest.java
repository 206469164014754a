package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadMainTest {
  @Test
  void aBadOptionExitsWithTwoAndSaysWhy() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        LoadMain.execute(new String[] {"run", "--subscribers", "many"}, print(out), print(err));

    assertThat(code).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--subscribers must be a whole number, not 'many'");
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"--bogus", "1"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option --bogus");
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"idle", "--mode", "max"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option --mode");
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"flood"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown command 'flood'");
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"--mode", "fast"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("rate, max");
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"--urls", "http://x:1/ws"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("not a ws://");
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"--duration"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--duration needs a value");
    assertThatThrownBy(() -> LoadMain.parse(new String[] {"--events-per-second", "0"}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("above 0");
  }

  @Test
  void readsEveryRunOption() {
    LoadMain.Command command = LoadMain.parse(new String[] {
      "run",
      "--urls",
      "ws://a:1/ws,ws://b:2/ws",
      "--subscribers",
      "1000",
      "--channel",
      "c",
      "--target",
      "baseline",
      "--mode",
      "max",
      "--events-per-second",
      "12.5",
      "--max-in-flight",
      "7",
      "--warmup",
      "500ms",
      "--duration",
      "2m",
      "--payload-bytes",
      "256",
      "--connects-per-second",
      "0",
      "--source-addresses",
      "127.0.0.2,127.0.0.3",
      "--loss-timeout=3",
      "--server-pids",
      "10,20"
    });

    assertThat(command)
        .isEqualTo(new LoadMain.Run(new LoadOptions(
            List.of(URI.create("ws://a:1/ws"), URI.create("ws://b:2/ws")),
            1000,
            "c",
            Target.BASELINE,
            Mode.MAX,
            12.5,
            7,
            Duration.ofMillis(500),
            Duration.ofMinutes(2),
            256,
            0,
            List.of("127.0.0.2", "127.0.0.3"),
            Duration.ofSeconds(3),
            List.of(10L, 20L))));
  }

  @Test
  void runIsTheDefaultCommandAndHelpWinsOverEverything() {
    assertThat(LoadMain.parse(new String[0])).isInstanceOf(LoadMain.Run.class);
    assertThat(LoadMain.parse(new String[] {"idle", "--bogus", "--help"}))
        .isInstanceOf(LoadMain.Help.class);
    assertThat(LoadMain.parse(new String[] {"baseline", "--port", "0"}))
        .isEqualTo(new LoadMain.Baseline("127.0.0.1", 0, 1, "nio"));
  }

  @Test
  void helpListsEveryOption() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(LoadMain.execute(
            new String[] {"--help"}, print(out), print(new ByteArrayOutputStream())))
        .isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : List.of(
        "urls",
        "subscribers",
        "channel",
        "target",
        "mode",
        "events-per-second",
        "max-in-flight",
        "warmup",
        "duration",
        "payload-bytes",
        "connects-per-second",
        "source-addresses",
        "loss-timeout",
        "server-pids",
        "host",
        "port",
        "event-loops",
        "connections",
        "subscribe",
        "hold",
        "events",
        "timeout")) {
      assertThat(help).contains("--" + option + " ");
    }
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
