package dev.hub;

import com.hazelcast.config.Config;
import dev.hub.routing.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process that is not a hub node joins a hub cluster and does what any member may: listens on
 * {@code hub.fanout}, asks {@code hub.publish} to publish, and publishes forged events straight
 * onto {@code hub.fanout} for every connection. Run as a child JVM by {@link ClusterTlsProcessIT}:
 *
 * <pre>{@code ClusterIntruder <label> <cluster name> <own Hazelcast port> <members> [<cert.pem> <key.pem>]}</pre>
 *
 * With a certificate its event bus speaks TLS, trusts any server and asks no client certificate
 * (the most an attacker could wish for); without one it speaks plain TCP. It reports on stdout,
 * one line each, prefixed {@code intruder <label>}: {@code joined members=<n>}, {@code ready},
 * {@code fanout <body>} per message received on {@code hub.fanout}, {@code publish ok|failed ...}
 * per request to {@code hub.publish}. It runs until killed.
 */
final class ClusterIntruder {
  private static final long PERIOD_MS = 300;

  private ClusterIntruder() {}

  public static void main(String[] args) throws Exception {
    String label = args[0];
    HazelcastClusterManager manager = new HazelcastClusterManager(
        hazelcast(args[1], Integer.parseInt(args[2]), List.of(args[3].split(","))));
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(
            eventBus(args.length > 5 ? args[4] : null, args.length > 5 ? args[5] : null));
    Vertx vertx = Vertx.builder()
        .with(options)
        .withClusterManager(manager)
        .buildClustered()
        .await(60, TimeUnit.SECONDS);
    report(
        label,
        "joined members="
            + manager.getHazelcastInstance().getCluster().getMembers().size());
    vertx
        .eventBus()
        .<Buffer>consumer("hub.fanout", message -> {
          // The nodes' readiness probes pass here too (every few seconds): they are no events.
          if (!message.headers().contains(Addresses.PROBE_HEADER)) {
            report(label, "fanout " + message.body());
          }
        })
        .completion()
        .await(60, TimeUnit.SECONDS);
    report(label, "ready");
    AtomicInteger sent = new AtomicInteger();
    vertx.setPeriodic(PERIOD_MS, id -> attack(vertx, label, sent.incrementAndGet()));
  }

  /** One request to {@code hub.publish} and one forged event on {@code hub.fanout}. */
  private static void attack(Vertx vertx, String label, int n) {
    JsonObject request = new JsonObject()
        .put("channel", "tasks")
        .put(
            "event",
            new JsonObject().put("type", "intruder_publish").put("by", label).put("n", n));
    vertx
        .eventBus()
        .request("hub.publish", request, new DeliveryOptions().setSendTimeout(3_000))
        .onSuccess(reply -> report(label, "publish ok " + n))
        .onFailure(failure -> report(label, "publish failed " + n + " " + failure));
    // What a hub node publishes: the frame clients receive, and the audience in a header.
    String frame = new JsonObject()
        .put("type", "intruder_fanout")
        .put("by", label)
        .put("n", n)
        .encode();
    vertx
        .eventBus()
        .publish(
            "hub.fanout",
            Buffer.buffer(frame),
            new DeliveryOptions().addHeader("hub-audience", "all"));
  }

  private static Config hazelcast(String cluster, int port, List<String> members) {
    Config config = new Config().setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    var join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    config.getMultiMapConfig("__vertx.subs").setBackupCount(1);
    return config;
  }

  private static EventBusOptions eventBus(String cert, String key) {
    EventBusOptions options = new EventBusOptions().setHost("127.0.0.1").setPort(0);
    if (cert != null) {
      options
          .setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
          .setTrustAll(true)
          .setClientAuth(ClientAuth.NONE);
    }
    return options;
  }

  private static void report(String label, String line) {
    System.out.println("intruder " + label + " " + line);
    System.out.flush();
  }
}
