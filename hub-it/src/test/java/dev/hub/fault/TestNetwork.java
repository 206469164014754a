package dev.hub.fault;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Linux network namespaces in which a test can cut one node's cluster link, or the cluster link
 * between two nodes, and nothing else.
 *
 * <pre>
 *   namespace hubfault-PID-n1 .. nN   one per node:
 *     cluster0  10.201.1.i/24  ──┐     Hazelcast and the event bus
 *     client0   10.201.2.i/24  ──┼─┐   WebSocket and HTTP
 *   namespace hubfault-PID-sw        the "switch":
 *     bridge cluster: ports c1 .. cN ┘ │
 *     bridge clients: ports k1 .. kN, kr
 *   root namespace (the test JVM):
 *     hubfaultPID 10.201.2.254/24 ── kr
 * </pre>
 *
 * The root namespace reaches the client network only: it has no link into the cluster network,
 * and the node namespaces have no route anywhere else. Cutting node {@code i} takes its port on
 * the cluster bridge down, so its packets are dropped silently in both directions (as a failed
 * switch port or a lost VLAN would) while its clients stay connected.
 *
 * <p>Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2; without either, {@link #create}
 * fails saying which is missing. Everything it makes carries the prefix {@value #PREFIX} and the
 * test JVM's PID, so a later run can tell its own leftovers (the PID is dead) from a run in
 * progress, and removes only those.
 */
final class TestNetwork implements AutoCloseable {
  static final String PREFIX = "hubfault-";
  private static final String ROOT_LINK_PREFIX = "hubfault";
  private static final String SUBNETS = "10.201.";
  private static final String CLUSTER_SUBNET = SUBNETS + "1.";
  private static final String CLIENT_SUBNET = SUBNETS + "2.";
  private static final String ROOT_ADDRESS = CLIENT_SUBNET + "254";
  private static final Duration PROCESS_EXIT = Duration.ofSeconds(30);

  private final String ip;
  private final String run = PREFIX + ProcessHandle.current().pid() + "-";
  private final int nodes;
  private final List<String> namespaces = new ArrayList<>();
  private String rootLink;
  private boolean closed;

  private TestNetwork(String ip, int nodes) {
    this.ip = ip;
    this.nodes = nodes;
  }

  /**
   * Removes this tier's leftovers of earlier runs, then builds the namespaces, bridges and links
   * for {@code nodes} nodes.
   *
   * @throws AssertionError when {@code ip} is missing, namespaces cannot be made (not root), the
   *     test addresses are routed already, or another run of the tier is using them
   */
  static TestNetwork create(int nodes) {
    String ip = requireIp();
    removeLeftovers(ip);
    requireFreeAddresses(ip);
    TestNetwork network = Cleanup.atExit(new TestNetwork(ip, nodes));
    try {
      network.build();
      return network;
    } catch (RuntimeException | Error e) {
      network.close();
      throw e;
    }
  }

  /** The command prefix that runs a program in node {@code index}'s namespace. */
  List<String> exec(int index) {
    return List.of(ip, "netns", "exec", nodeNamespace(index));
  }

  /** The address node {@code index} serves clients on; the test JVM reaches it. */
  String clientAddress(int index) {
    return CLIENT_SUBNET + (index + 1);
  }

  /** The address node {@code index}'s cluster member binds; only the other nodes reach it. */
  String clusterAddress(int index) {
    return CLUSTER_SUBNET + (index + 1);
  }

  /** Drops every packet between node {@code index} and the cluster network; its client link stays up. */
  void cut(int index) {
    ip("-n", switchNamespace(), "link", "set", clusterPort(index), "down").orFail();
  }

  /** Undoes {@link #cut}. */
  void heal(int index) {
    ip("-n", switchNamespace(), "link", "set", clusterPort(index), "up").orFail();
  }

  /**
   * Drops every packet between nodes {@code a} and {@code b} on the cluster network, both ways,
   * while each still reaches every other node: a non-transitive split. A blackhole route for the
   * other's cluster address in each of the two namespaces does it (more specific than the /24, so
   * it wins); an established connection goes silent, its segments held for retransmission, and a
   * new connect between the two fails at once with "invalid argument".
   */
  void cutBetween(int a, int b) {
    blackhole("add", a, b);
    blackhole("add", b, a);
  }

  /** Undoes {@link #cutBetween}. */
  void healBetween(int a, int b) {
    blackhole("del", a, b);
    blackhole("del", b, a);
  }

  private void blackhole(String action, int in, int to) {
    ip("-n", nodeNamespace(in), "route", action, "blackhole", clusterAddress(to) + "/32")
        .orFail();
  }

  private void build() {
    String sw = switchNamespace();
    addNamespace(sw);
    addBridge("cluster");
    addBridge("clients");
    for (int i = 0; i < nodes; i++) {
      String namespace = nodeNamespace(i);
      addNamespace(namespace);
      plug(namespace, "cluster0", clusterPort(i), "cluster", clusterAddress(i));
      plug(namespace, "client0", "k" + (i + 1), "clients", clientAddress(i));
    }
    rootLink = ROOT_LINK_PREFIX + ProcessHandle.current().pid();
    ip("link", "add", rootLink, "type", "veth", "peer", "name", "kr", "netns", sw)
        .orFail();
    ip("-n", sw, "link", "set", "kr", "master", "clients").orFail();
    ip("-n", sw, "link", "set", "kr", "up").orFail();
    ip("addr", "add", ROOT_ADDRESS + "/24", "dev", rootLink).orFail();
    ip("link", "set", rootLink, "up").orFail();
  }

  private void addNamespace(String name) {
    Command.Result added = ip("netns", "add", name);
    if (!added.ok()) {
      throw new AssertionError(
          "cannot create network namespace " + name + " (" + added.output().strip() + "): the"
              + " fault tier runs its partition test in network namespaces, which needs root (CAP_SYS_ADMIN and"
              + " CAP_NET_ADMIN); run it as root, as .ci/run does in its container");
    }
    namespaces.add(name);
    ip("-n", name, "link", "set", "lo", "up").orFail();
  }

  private void addBridge(String name) {
    // A new Linux bridge has STP off, so its ports forward at once.
    ip("-n", switchNamespace(), "link", "add", name, "type", "bridge").orFail();
    ip("-n", switchNamespace(), "link", "set", name, "up").orFail();
  }

  /** A veth pair: {@code inside} in the node's namespace with {@code address}, {@code outside} on the bridge. */
  private void plug(
      String namespace, String inside, String outside, String bridge, String address) {
    String sw = switchNamespace();
    ip("-n", namespace, "link", "add", inside, "type", "veth", "peer", "name", outside, "netns", sw)
        .orFail();
    ip("-n", sw, "link", "set", outside, "master", bridge).orFail();
    ip("-n", sw, "link", "set", outside, "up").orFail();
    ip("-n", namespace, "addr", "add", address + "/24", "dev", inside).orFail();
    ip("-n", namespace, "link", "set", inside, "up").orFail();
  }

  private String switchNamespace() {
    return run + "sw";
  }

  private String nodeNamespace(int index) {
    return run + "n" + (index + 1);
  }

  private static String clusterPort(int index) {
    return "c" + (index + 1);
  }

  private Command.Result ip(String... args) {
    return runIp(ip, args);
  }

  private static Command.Result runIp(String ip, String... args) {
    List<String> command = new ArrayList<>(List.of(ip));
    command.addAll(List.of(args));
    return Command.run(command);
  }

  /**
   * Deletes the root link (which takes its peer with it), then every namespace, killing whatever
   * still runs in one: the namespace and its devices go only when nothing runs in it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (rootLink != null) {
      ip("link", "del", rootLink);
    }
    List<String> reversed = new ArrayList<>(namespaces);
    Collections.reverse(reversed);
    for (String namespace : reversed) {
      killProcessesIn(ip, namespace);
      ip("netns", "del", namespace);
    }
    Cleanup.closed(this);
  }

  /** {@code ip}, found on the PATH or in the sbin directories a non-root PATH often lacks. */
  private static String requireIp() {
    Stream<String> path =
        Stream.of(Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator));
    return Stream.concat(path, Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "ip"))
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(
            () -> new AssertionError(
                "the fault tier needs iproute2's ip to build its network namespaces,"
                    + " and it is not installed: apt-get install iproute2 (the hub-it build does, as root or with sudo)"));
  }

  /** The test addresses must not be routed already: traffic meant for them would go elsewhere. */
  private static void requireFreeAddresses(String ip) {
    String routes = runIp(ip, "-o", "route", "show").orFail()
        + runIp(ip, "-o", "addr", "show").orFail();
    if (routes.lines().anyMatch(line -> line.contains(" " + SUBNETS) || line.startsWith(SUBNETS))) {
      throw new AssertionError("the root namespace already has an address or route in " + SUBNETS
          + "0.0/16," + " the fault tier's private test network; remove it first:\n" + routes);
    }
  }

  /**
   * Removes namespaces and root links with this tier's prefix whose run has ended (its PID is no
   * longer alive), killing the hub processes left in them. A run still alive is left alone, and
   * this run fails: the two would share addresses.
   */
  static void removeLeftovers(String ip) {
    for (String line : runIp(ip, "netns", "list").orFail().lines().toList()) {
      String name = line.split(" ")[0];
      if (name.startsWith(PREFIX)) {
        requireRunEnded(name, PREFIX.length());
        killProcessesIn(ip, name);
        runIp(ip, "netns", "del", name).orFail();
      }
    }
    for (String line : runIp(ip, "-o", "link", "show").orFail().lines().toList()) {
      String[] fields = line.split(":\\s+", 3);
      String name = fields.length > 1 ? fields[1].split("@")[0] : "";
      if (name.startsWith(ROOT_LINK_PREFIX)) {
        requireRunEnded(name, ROOT_LINK_PREFIX.length());
        runIp(ip, "link", "del", name);
      }
    }
  }

  /**
   * Fails when the run that made {@code name} (its PID follows the prefix) is another JVM still
   * alive; this JVM's own leftovers (a test of this run that could not clean up) may go.
   */
  private static void requireRunEnded(String name, int pidStart) {
    int end = pidStart;
    while (end < name.length() && Character.isDigit(name.charAt(end))) {
      end++;
    }
    if (end == pidStart) {
      return;
    }
    long pid = Long.parseLong(name.substring(pidStart, end));
    if (pid != ProcessHandle.current().pid()
        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new AssertionError(
          "another run of the fault tier (pid " + pid + ") is using its test network (" + name
              + "); wait for it to end, or remove what it made if that process is not a test JVM");
    }
  }

  /** SIGKILL to every process in the namespace: hub children of this tier that outlived their test. */
  private static void killProcessesIn(String ip, String namespace) {
    Command.Result pids = runIp(ip, "netns", "pids", namespace);
    if (!pids.ok()) {
      return;
    }
    for (String pid :
        pids.output().lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
      ProcessHandle.of(Long.parseLong(pid)).ifPresent(process -> {
        process.destroyForcibly();
        process
            .onExit()
            .orTimeout(PROCESS_EXIT.toSeconds(), TimeUnit.SECONDS)
            .exceptionally(e -> process)
            .join();
      });
    }
  }
}
