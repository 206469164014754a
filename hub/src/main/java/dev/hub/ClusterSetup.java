package dev.hub;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.hub.config.ClusterConfig;
import dev.hub.config.ConfigException;
import dev.hub.config.HubConfig;
import dev.hub.history.HazelcastHistoryStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.util.Properties;
import java.util.UUID;

/**
 * Builds the Hazelcast member a node runs: the configuration file (the loopback one from
 * {@code cluster-config} unless told otherwise) with the node's flags written over it.
 */
final class ClusterSetup {
  private static final String CLASSPATH = "classpath:";

  private ClusterSetup() {
  }

  /**
   * @param meters where Vert.x records its own metrics (event bus, HTTP server, JVM), beside the
   *     hub's; the node's {@code /metrics} shows this registry
   */
  static Future<Vertx> startClusteredVertx(HubConfig hub, MeterRegistry meters) {
    ClusterConfig cluster = hub.cluster();
    Config config = hazelcastConfig(cluster);
    HazelcastHistoryStore.configure(config, hub.channels(), cluster.size());
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    VertxOptions options = new VertxOptions();
    // The event bus carries events between nodes over its own TCP connections, on the same
    // address as the cluster member, on a port of the system's choosing.
    options.getEventBusOptions().setHost(cluster.host()).setPort(0);
    // vertx-micrometer keeps registries in a JVM-wide map by name: a name of its own keeps each
    // node's figures apart when several nodes share a JVM (the test kit does).
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setRegistryName("hub-" + UUID.randomUUID()));
    return Vertx.builder().with(options).withClusterManager(manager)
        .withMetrics(new MicrometerMetricsFactory(meters)).buildClustered();
  }

  static Config hazelcastConfig(ClusterConfig cluster) {
    Config config = load(cluster.config());
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.local.localAddress", cluster.host());
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
        return new ClasspathXmlConfig(ClusterSetup.class.getClassLoader(),
            location.substring(CLASSPATH.length()), properties);
      }
      return new FileSystemXmlConfig(location, properties);
    } catch (FileNotFoundException | RuntimeException e) {
      throw new ConfigException("cannot read cluster configuration " + location + ": " + e.getMessage(), e);
    }
  }
}
