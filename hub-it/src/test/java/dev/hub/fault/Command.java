package dev.hub.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short external command (iproute2's {@code ip}, {@code kill}) run to its end within a bound. */
final class Command {
  private static final Duration BOUND = Duration.ofSeconds(20);

  /** What the command printed, both streams together, and how it ended. */
  record Result(List<String> command, int exit, String output) {
    boolean ok() {
      return exit == 0;
    }

    /** The output, or an AssertionError naming the command when it failed. */
    String orFail() {
      if (!ok()) {
        throw new AssertionError(
            String.join(" ", command) + " failed (exit " + exit + "): " + output.strip());
      }
      return output;
    }
  }

  private Command() {}

  static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // The commands used here print a few lines at most: reading after the end cannot block on a
      // full pipe.
      if (!process.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within " + BOUND);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(command, process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + String.join(" ", command), e);
    }
  }

  /** Sends a signal ({@code STOP}, {@code CONT}) to a process this test started. */
  static void signal(Process process, String signal) {
    run(List.of("kill", "-" + signal, String.valueOf(process.pid()))).orFail();
  }
}
