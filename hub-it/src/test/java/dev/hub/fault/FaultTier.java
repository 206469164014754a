package dev.hub.fault;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;

/**
 * What the fault tests share: how long a node may take to start, the flags every node gets, and
 * the channels it is configured with.
 *
 * <p>The tests run the nodes with {@code --cluster-size} (docs/protocol.md section 10). A hub built
 * before that flag refuses to start with it; {@code -Dhub.fault.clusterSize=false} runs the same
 * tests without it, to watch the harness work and the defects show on such a hub.
 */
final class FaultTier {
  /** How long a node may take to print its ready line, or a cluster to settle, on a busy machine. */
  static final Duration START = Duration.ofSeconds(120);

  static final String CLUSTER_SIZE_PROPERTY = "hub.fault.clusterSize";
  /** Every history channel of this tier matches it: {@code ledger-0}, {@code ledger-1}, ... */
  static final String LEDGER = "ledger-";

  static final String LOBBY = "room:lobby";
  private static final String CONFIG = """
      {"channels": [
        {"pattern": "ledger-*", "history": {"size": 10000, "ttl": "10m"}},
        {"pattern": "room:*", "presence": true, "joinLeave": true}
      ]}
      """;

  private FaultTier() {}

  /** Whether nodes get {@code --cluster-size}; see the class comment. */
  static boolean withClusterSize() {
    return Boolean.parseBoolean(System.getProperty(CLUSTER_SIZE_PROPERTY, "true"));
  }

  /**
   * The flags every node of an {@code size}-node test cluster gets beyond its addresses: the
   * channel configuration (written to {@code logs}), the tier's Hazelcast file, and the cluster size.
   */
  static List<String> nodeFlags(Path logs, int size) throws IOException {
    Path config = Files.writeString(logs.resolve("hub.json"), CONFIG);
    List<String> flags = new ArrayList<>(List.of(
        "--config", config.toString(), "--cluster-config", clusterConfig().toString()));
    if (withClusterSize()) {
      flags.addAll(List.of("--cluster-size", String.valueOf(size)));
    }
    return flags;
  }

  /** {@code hub-fault.xml} from the test resources, as a file the hub can read. */
  static Path clusterConfig() {
    try {
      return Path.of(FaultTier.class.getResource("/fault/hub-fault.xml").toURI())
          .toAbsolutePath();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code ledger-0} .. {@code ledger-(count-1)}. */
  static List<String> ledgers(int count) {
    return IntStream.range(0, count).mapToObj(i -> LEDGER + i).toList();
  }

  /** Waits until every listed node reports {@code members} cluster members in {@code GET /api/stats}. */
  static void awaitMembers(Endpoints endpoints, List<Integer> nodes, int members, Duration bound) {
    Awaitility.await("nodes " + nodes + " each see " + members + " members")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> nodes.stream().allMatch(node -> Http.members(endpoints.get(node)) == members));
  }

  /**
   * The result of a node's start on another thread, within twice {@link #START}; its failure
   * (usually {@link #startFailure}) is thrown as it is, not wrapped.
   */
  static <T> T await(CompletableFuture<T> starting) throws InterruptedException, TimeoutException {
    try {
      return starting.get(START.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError("a node did not start", e.getCause());
    }
  }

  /** An AssertionError for a node that did not start, with the end of its log and what may be wrong. */
  static AssertionError startFailure(Path log, Throwable cause) {
    String tail;
    try {
      List<String> lines = Files.readAllLines(log);
      tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      tail = "(no log: " + e + ")";
    }
    String hint = withClusterSize() && tail.contains("unknown flag --cluster-size")
        ? "\nThis hub has no --cluster-size yet; -D" + CLUSTER_SIZE_PROPERTY
            + "=false runs the tier without it."
        : "";
    return new AssertionError(
        "a node did not start; the end of " + log.toAbsolutePath() + ":\n" + tail + hint, cause);
  }
}
