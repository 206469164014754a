package dev.hub.cluster;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.hub.config.ClusterConfig;
import dev.hub.config.ClusterTlsConfig;
import dev.hub.config.ConfigException;
import dev.hub.config.HubConfig;
import dev.hub.history.HazelcastHistoryStore;
import dev.hub.metrics.VertxMeters;
import dev.hub.presence.HazelcastPresenceStore;
import dev.hub.transport.SocketTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.util.Properties;
import java.util.UUID;

/**
 * Builds the Hazelcast member a node runs: the configuration file (the loopback one from
 * {@code cluster-config} unless told otherwise) with the node's flags written over it.
 */
public final class ClusterSetup {
  private static final String CLASSPATH = "classpath:";

  private ClusterSetup() {}

  /**
   * Starts the clustered Vert.x: its Hazelcast member joins the cluster.
   *
   * @param hazelcast the member's configuration from {@link #hazelcastConfig}, to which the hub's
   *     own structures are added here
   * @param meters where Vert.x records its own metrics (event bus, HTTP server, JVM), beside the
   *     hub's; the node's {@code /metrics} shows this registry
   */
  public static Future<Vertx> startClusteredVertx(
      HubConfig hub, Config hazelcast, MeterRegistry meters) {
    ClusterConfig cluster = hub.cluster();
    HazelcastHistoryStore.configure(hazelcast, hub.channels(), cluster.size());
    HazelcastPresenceStore.configure(hazelcast, hub.node().nodeId());
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    VertxOptions options = new VertxOptions().setEventBusOptions(eventBusOptions(cluster));
    options.setMetricsOptions(VertxMeters.options("hub-" + UUID.randomUUID()));
    return Vertx.builder()
        .with(options)
        .withTransport(SocketTransport.choose(hub.node().transport()))
        .withClusterManager(manager)
        .withMetrics(new MicrometerMetricsFactory(meters))
        .buildClustered()
        .onSuccess(vertx -> ClusterExposure.report(cluster, vertx));
  }

  /**
   * The event bus carries every event between nodes over TCP connections of its own, on the
   * cluster member's address. With cluster TLS, each node proves itself with its certificate and
   * accepts only peers the cluster CA signed, in both directions; without it, anyone who reaches
   * the port may send messages.
   */
  public static EventBusOptions eventBusOptions(ClusterConfig cluster) {
    EventBusOptions options =
        new EventBusOptions().setHost(cluster.host()).setPort(cluster.busPort());
    ClusterTlsConfig tls = cluster.tls();
    if (tls.enabled()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile()))
          // Inbound: a peer without a certificate of the cluster CA is refused at the handshake.
          .setClientAuth(ClientAuth.REQUIRED)
          // Outbound: the event bus's client trusts every server certificate unless told not to,
          // and would send each event to any member whose server speaks TLS. (It checks no hostname
          // either: node certificates are per pod or host, so the CA alone says who is a node.)
          .setTrustAll(false);
    }
    return options;
  }

  /**
   * The Hazelcast configuration of a member with these cluster settings: the file they name, with
   * the cluster name, address, port and member list written over it, and the member bound to its
   * address only. Reads the file: call it off the event loop. Public for the members that tools add
   * beside the nodes (the test kit's service members, the benchmark's cluster), so they run the
   * configuration users run.
   *
   * @throws ConfigException when the file cannot be read or parsed
   */
  public static Config hazelcastConfig(ClusterConfig cluster) {
    Config config = load(cluster.config());
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    // Hazelcast binds its member port to every interface unless told otherwise, and open source
    // Hazelcast lets whoever reaches that port join with full rights: listen on the cluster host
    // only, and open outgoing member connections from it too. This wins over the file's setting.
    config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
    NetworkConfig network = config.getNetworkConfig();
    if (cluster.port() != null) {
      network.setPort(cluster.port());
    }
    if (!cluster.members().isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }

  private static Config load(String location) {
    // ${VARIABLE} in a configuration file is taken from system properties, then the environment.
    Properties properties = new Properties();
    properties.putAll(System.getenv());
    properties.putAll(System.getProperties());
    try {
      if (location.startsWith(CLASSPATH)) {
        return new ClasspathXmlConfig(
            ClusterSetup.class.getClassLoader(),
            location.substring(CLASSPATH.length()),
            properties);
      }
      return new FileSystemXmlConfig(location, properties);
    } catch (FileNotFoundException | RuntimeException e) {
      throw new ConfigException(
          "cannot read cluster configuration " + location + ": " + e.getMessage(), e);
    }
  }
}
