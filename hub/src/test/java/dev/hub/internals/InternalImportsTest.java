package dev.hub.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the rule of {@link dev.hub.internals}: in the main code of every module of the build, only
 * this package reaches into a library's {@code .impl.} or {@code .internal.} packages, by import,
 * by a qualified name or by a class name in a string, or calls a Netty channel's {@code unsafe()}. A class elsewhere that does fails this test,
 * named with the line.
 */
class InternalImportsTest {
  /** An internal package named in code, or a Netty channel's Unsafe, which is Netty's own. */
  private static final Pattern INTERNAL = Pattern.compile(
      "\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.(impl|internal)\\.[A-Za-z]|\\.unsafe\\(\\)");

  private static final Path HERE = Path.of("src/main/java/dev/hub/internals");

  /** Main code outside this package that may use internals, each with why. */
  private static final Map<Path, String> EXCEPTIONS = Map.of(
      Path.of("../hub-bench/src/main/java/dev/hub/bench/jmh/EmbeddedSockets.java"),
          "the JMH harness builds Vert.x's own server pipeline on a Netty EmbeddedChannel",
      Path.of("../hub-bench/src/main/java/dev/hub/bench/jmh/EventLoopThreads.java"),
          "the JMH harness runs benchmarks on Vert.x's own thread class");

  @Test
  void onlyThisPackageUsesALibrarysInternals() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertThat(root.resolve("hub/src/main/java/dev/hub/internals"))
        .as("run from the hub module, inside the build's root")
        .isDirectory();
    List<String> found = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path main : modules
          .map(m -> m.resolve("src/main/java"))
          .filter(Files::isDirectory)
          .toList()) {
        try (Stream<Path> files = Files.walk(main)) {
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !allowed(root, f))
              .forEach(f -> found.addAll(uses(root, f)));
        }
      }
    }
    assertThat(found)
        .as("main classes outside dev.hub.internals that use a library's internals: move the use"
            + " into VertxInternals, NettyInternals or HazelcastInternals")
        .isEmpty();
  }

  @Test
  void theScanSeesAnImportOfAnInternalPackage() {
    assertThat(INTERNAL.matcher("import io.vertx.core.net.impl.ConnectionBase;").find())
        .isTrue();
    assertThat(
            INTERNAL.matcher("((io.vertx.core.internal.VertxInternal) vertx)").find())
        .isTrue();
    assertThat(INTERNAL.matcher("import dev.hub.internals.VertxInternals;").find())
        .isFalse();
  }

  private static boolean allowed(Path root, Path file) {
    Path hub = root.resolve("hub");
    return file.startsWith(hub.resolve(HERE))
        || EXCEPTIONS.keySet().stream().anyMatch(p -> file.equals(hub.resolve(p).normalize()));
  }

  /** Each line of code (not a comment) that names an internal package, as file:line: text. */
  private static List<String> uses(Path root, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> uses = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      boolean comment = line.startsWith("*") || line.startsWith("//") || line.startsWith("/*");
      if (!comment && INTERNAL.matcher(line).find()) {
        uses.add(root.relativize(file) + ":" + (i + 1) + ": " + line);
      }
    }
    return uses;
  }
}
