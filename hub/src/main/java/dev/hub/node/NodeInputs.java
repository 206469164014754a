package dev.hub.node;

import com.hazelcast.config.Config;
import dev.hub.auth.Authenticator;
import dev.hub.auth.JwtAuthenticator;
import dev.hub.auth.OpenAuthenticator;
import dev.hub.cluster.ClusterSetup;
import dev.hub.config.ClusterTlsConfig;
import dev.hub.config.ConfigException;
import dev.hub.config.HubConfig;
import dev.hub.config.Setting;
import dev.hub.config.TlsConfig;
import dev.hub.transport.NodeServerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What a node reads from files, read and checked before it joins a cluster or opens its port: the
 * JWT keys, the certificate and key of its port, the event bus's certificate, key and cluster CA,
 * and the Hazelcast configuration. A file that cannot be used fails the start with a
 * {@link ConfigException} naming the setting and the file, before any member has seen this node.
 * Found later, the node would have joined the cluster (taking partitions, announced to every
 * member) only to leave it at once, and its operator would read a stack trace instead of one line.
 *
 * @param keys the JWT keys, or null in open mode
 * @param hazelcast the node's Hazelcast member configuration, or null for a node deployed onto a
 *     Vert.x it was given
 */
record NodeInputs(JwtAuthenticator.Keys keys, Config hazelcast) {

  /**
   * Reads everything a clustered node needs, on a Vert.x of its own: the clustered one cannot start
   * before its inputs are known good, and reading the keys needs a Vert.x. Completes once that Vert.x
   * is closed, on the thread that closed it, so the caller never goes on on a loop being shut down.
   */
  static Future<NodeInputs> readBeforeJoining(HubConfig config) {
    Vertx reader = Vertx.vertx();
    Promise<NodeInputs> read = Promise.promise();
    read(reader, config, true)
        .onComplete(result -> reader.close().onComplete(closed -> read.handle(result)));
    return read.future();
  }

  /** Reads what a node on a Vert.x it was given needs: its keys and the TLS files of its port. */
  static Future<NodeInputs> read(Vertx vertx, HubConfig config) {
    return read(vertx, config, false);
  }

  private static Future<NodeInputs> read(Vertx vertx, HubConfig config, boolean clustered) {
    Future<JwtAuthenticator.Keys> keys = config.node().open()
        ? Future.succeededFuture()
        : JwtAuthenticator.readKeys(vertx, config.security().auth());
    // Files are read and parsed with blocking calls: on a worker.
    return keys.compose(read -> vertx.executeBlocking(
        () -> {
          checkServerTls(vertx, config);
          if (!clustered) {
            return new NodeInputs(read, null);
          }
          checkClusterTls(vertx, config);
          return new NodeInputs(read, ClusterSetup.hazelcastConfig(config.cluster()));
        },
        false));
  }

  /** The authenticator of a node on this Vert.x: open mode, or tokens verified with the keys read. */
  Authenticator authenticator(Vertx vertx) {
    return keys == null ? new OpenAuthenticator() : JwtAuthenticator.create(vertx, keys);
  }

  private static void checkServerTls(Vertx vertx, HubConfig config) {
    TlsConfig tls = config.security().tls();
    if (!tls.enabled()) {
      return;
    }
    readable(Setting.TLS_CERT, tls.certFile());
    readable(Setting.TLS_KEY, tls.keyFile());
    // The very options the gateways listen with, loaded as Vert.x loads them.
    usable(
        () -> NodeServerOptions.of(config, 0).getKeyCertOptions().getKeyManagerFactory(vertx),
        Setting.TLS_CERT,
        Setting.TLS_KEY,
        tls.certFile() + " and " + tls.keyFile());
  }

  private static void checkClusterTls(Vertx vertx, HubConfig config) {
    ClusterTlsConfig tls = config.cluster().tls();
    if (!tls.enabled()) {
      return;
    }
    readable(Setting.CLUSTER_TLS_CERT, tls.certFile());
    readable(Setting.CLUSTER_TLS_KEY, tls.keyFile());
    readable(Setting.CLUSTER_TLS_CA, tls.caFile());
    EventBusOptions bus = ClusterSetup.eventBusOptions(config.cluster());
    usable(
        () -> bus.getKeyCertOptions().getKeyManagerFactory(vertx),
        Setting.CLUSTER_TLS_CERT,
        Setting.CLUSTER_TLS_KEY,
        tls.certFile() + " and " + tls.keyFile());
    usable(
        () -> bus.getTrustOptions().getTrustManagerFactory(vertx),
        Setting.CLUSTER_TLS_CA,
        null,
        tls.caFile());
  }

  private static void readable(Setting setting, String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(name(setting) + ": cannot read " + file + ": no such file");
    }
    if (!Files.isReadable(path)) {
      throw new ConfigException(name(setting) + ": cannot read " + file + ": permission denied");
    }
  }

  /** Loads PEM files as Vert.x will; a failure names both settings of a pair. */
  private static void usable(Callable<?> load, Setting setting, Setting pair, String files) {
    try {
      load.call();
    } catch (Exception e) {
      String settings = pair == null ? name(setting) : name(setting) + " and " + name(pair);
      throw new ConfigException(settings + ": " + files + " cannot be used: " + e.getMessage(), e);
    }
  }

  /** {@code tls.cert (--tls-cert)}: the setting as the configuration file and the command line name it. */
  private static String name(Setting setting) {
    return setting.path() + " (--" + setting.flag() + ")";
  }
}
