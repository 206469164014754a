package dev.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hub.testkit.FreePorts;
import dev.hub.testkit.HubTestClient;
import dev.hub.testkit.NodeHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cluster TLS keeps the event bus to the nodes of one CA. Two hub nodes run with certificates of
 * CA A. Three more processes join the same Hazelcast cluster, which open-source Hazelcast cannot
 * stop: one with a certificate of CA A (the control: a legitimate member, which must get and
 * give everything, or the others' silence proves nothing), one with a certificate of CA B and
 * one with no TLS at all. Each listens on {@code hub.fanout}, asks {@code hub.publish} to publish
 * and publishes forged events straight onto {@code hub.fanout}.
 */
class ClusterTlsProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String CONTROL = "control";
  private static final List<String> OUTSIDERS = List.of("other-ca", "plain");

  private final Vertx vertx = Vertx.vertx();
  private final List<HubTestClient> clients = new ArrayList<>();
  private final List<Process> intruders = new ArrayList<>();
  private final AtomicInteger published = new AtomicInteger();
  private HubProcesses hubs;
  private Path certificates;

  @Test
  void onlyNodesOfTheClusterCaExchangeEvents() throws Exception {
    certificates = Files.createTempDirectory("cluster-tls");
    ClusterCertificates ca = new ClusterCertificates(certificates);
    ca.authority("ca-a");
    ca.authority("ca-b");
    // Two hub nodes, then one member port for each of the three other processes.
    hubs = new HubProcesses("ClusterTlsProcessIT", 5, WAIT);
    List<Integer> busPorts = FreePorts.of(2);
    HubProcesses.Node node1 = startNode(0, ca.node("p1", "ca-a"), busPorts.get(0));
    HubProcesses.Node node2 = startNode(1, ca.node("p2", "ca-a"), busPorts.get(1));

    assertThat(eventBusAddress(node1.port()))
        .as("node 1's event bus (--cluster-bus-port)")
        .isEqualTo("127.0.0.1:" + busPorts.get(0));

    HubTestClient publisher = connect(node1.port());
    HubTestClient subscriber = connect(node2.port());
    subscriber.request(
        new JsonObject().put("type", "subscribe").put("id", 1).put("channel", "tasks"), WAIT);
    Awaitility.await("an event from node 1 reaches a client of node 2 over TLS")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          publish(publisher);
          return !events(subscriber, "task_created").isEmpty();
        });

    Intruder control = startIntruder(CONTROL, 2, ca.node("control", "ca-a"));
    Intruder otherCa = startIntruder("other-ca", 3, ca.node("other", "ca-b"));
    Intruder plain = startIntruder("plain", 4, null);
    for (Intruder intruder : List.of(control, otherCa, plain)) {
      intruder.awaitLine("ready");
      assertThat(intruder.lines("joined members="))
          .as("%s joined the Hazelcast cluster", intruder.label)
          .isNotEmpty();
    }

    // Events flow until the control has received some on hub.fanout, and a publish and a forged
    // event of its own have reached the client: the intruders' registrations are known by now.
    Awaitility.await("the control member receives events and reaches clients")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          publish(publisher);
          return !control.fanout("task_created").isEmpty()
              && !byIntruder(subscriber, "intruder_publish", CONTROL).isEmpty()
              && !byIntruder(subscriber, "intruder_fanout", CONTROL).isEmpty();
        });
    // Events keep flowing while each outsider's requests time out a few times (3 s each).
    Awaitility.await("the outsiders' requests to hub.publish time out")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          publish(publisher);
          return otherCa.lines("publish failed").size() >= 3
              && plain.lines("publish failed").size() >= 3;
        });
    int first = published.get() + 1;
    for (int i = 0; i < 10; i++) {
      publish(publisher);
    }
    List<Integer> lastTen =
        IntStream.rangeClosed(first, published.get()).boxed().toList();
    Awaitility.await("node 2 and the control receive the last ten events")
        .atMost(WAIT)
        .untilAsserted(() -> {
          assertThat(numbers(events(subscriber, "task_created")))
              .as("events of node 1 at node 2")
              .containsAll(lastTen);
          assertThat(numbers(control.fanout("task_created")))
              .as("events of node 1 at the control")
              .containsAll(lastTen);
        });

    for (Intruder outsider : List.of(otherCa, plain)) {
      assertThat(outsider.fanout("task_created"))
          .as("hub events %s received", outsider.label)
          .isEmpty();
      assertThat(outsider.lines("publish ok"))
          .as("requests of %s that hub.publish answered", outsider.label)
          .isEmpty();
    }
    for (String type : List.of("intruder_publish", "intruder_fanout")) {
      assertThat(subscriber.received(frame ->
              type.equals(frame.getString("type")) && OUTSIDERS.contains(frame.getString("by"))))
          .as("%s events of outsiders that reached a client", type)
          .isEmpty();
    }
  }

  private HubProcesses.Node startNode(int index, ClusterCertificates.NodeFiles files, int busPort)
      throws Exception {
    List<String> flags = new ArrayList<>(files.flags());
    flags.addAll(List.of("--cluster-bus-port", String.valueOf(busPort)));
    return hubs.start(index, flags.toArray(String[]::new));
  }

  /** The event-bus address a node advertises, from {@code /api/stats} (open mode needs no token). */
  private static String eventBusAddress(int httpPort) {
    JsonObject stats = new JsonObject(NodeHttp.get(httpPort, "/api/stats").body());
    return stats.getJsonArray("nodes").stream()
        .map(JsonObject.class::cast)
        .filter(node -> node.getString("address").endsWith(":" + httpPort))
        .findFirst()
        .orElseThrow()
        .getString("eventBus");
  }

  private void publish(HubTestClient publisher) {
    publisher.send(new JsonObject()
        .put("type", "publish")
        .put("channel", "tasks")
        .put(
            "event",
            new JsonObject().put("type", "task_created").put("n", published.incrementAndGet())));
  }

  private static List<JsonObject> events(HubTestClient client, String type) {
    return client.received(frame -> type.equals(frame.getString("type")));
  }

  private static List<Integer> numbers(List<JsonObject> events) {
    return events.stream().map(event -> event.getInteger("n")).toList();
  }

  private static List<JsonObject> byIntruder(HubTestClient client, String type, String label) {
    return client.received(
        frame -> type.equals(frame.getString("type")) && label.equals(frame.getString("by")));
  }

  private HubTestClient connect(int port) {
    HubTestClient client = HubTestClient.connect(vertx, port, "/ws", WAIT);
    clients.add(client);
    return client;
  }

  private Intruder startIntruder(String label, int index, ClusterCertificates.NodeFiles files)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        HubProcesses.javaBin(),
        "-Xmx128m",
        "-cp",
        System.getProperty("java.class.path"),
        ClusterIntruder.class.getName(),
        label,
        hubs.clusterName(),
        String.valueOf(hubs.clusterPort(index)),
        hubs.members()));
    if (files != null) {
      command.addAll(List.of(files.cert().toString(), files.key().toString()));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    intruders.add(process);
    return new Intruder(label, process, hubs.logs().resolve("intruder-" + label + ".log"));
  }

  /** A running {@link ClusterIntruder}: its report lines, kept as they come and copied to its log. */
  private static final class Intruder {
    private final String label;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    Intruder(String label, Process process, Path log) {
      this.label = label;
      Thread reader = new Thread(() -> copy(process, log), "output-" + label);
      reader.setDaemon(true);
      reader.start();
    }

    private void copy(Process process, Path log) {
      String prefix = "intruder " + label + " ";
      try (BufferedReader in = new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          var out = Files.newBufferedWriter(log)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.write(line);
          out.newLine();
          out.flush();
          if (line.startsWith(prefix)) {
            lines.add(line.substring(prefix.length()));
          }
        }
      } catch (IOException e) {
        lines.add("output lost: " + e);
      }
    }

    /** The messages of this type it received on {@code hub.fanout}. */
    List<JsonObject> fanout(String type) {
      return lines.stream()
          .filter(line -> line.startsWith("fanout "))
          .map(line -> new JsonObject(line.substring("fanout ".length())))
          .filter(body -> type.equals(body.getString("type")))
          .toList();
    }

    List<String> lines(String containing) {
      return lines.stream().filter(line -> line.contains(containing)).toList();
    }

    void awaitLine(String line) {
      Awaitility.await(label + " reports " + line).atMost(WAIT).until(() -> lines.contains(line));
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    clients.forEach(HubTestClient::close);
    for (Process intruder : intruders) {
      intruder.destroyForcibly();
      intruder.waitFor(30, TimeUnit.SECONDS);
    }
    if (hubs != null) {
      hubs.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    if (certificates != null) {
      try (Stream<Path> files = Files.walk(certificates)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }
}
