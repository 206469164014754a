package dev.hub.cli;

import dev.hub.config.CommandLine;
import dev.hub.config.ConfigException;
import dev.hub.config.ConfigLoader;
import dev.hub.config.HubConfig;
import dev.hub.node.HubNode;
import dev.hub.transport.SocketTransport;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar hub.jar [flags]}: loads the configuration, starts a node, stops it gracefully on SIGTERM. */
public final class HubMain {
  private static final Logger log = LoggerFactory.getLogger(HubMain.class);

  private HubMain() {}

  public static void main(String[] args) {
    // Before Hazelcast's first log line, which would otherwise go through java.util.logging.
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (args.length > 0 && args[0].equals(TokenCommand.NAME)) {
      mintToken(List.of(args).subList(1, args.length));
      return;
    }
    CommandLine flags;
    try {
      flags = CommandLine.parse(List.of(args));
    } catch (ConfigException e) {
      System.err.println("hub: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (flags.help()) {
      System.out.print(CommandLine.usage());
      return;
    }
    HubConfig config = loadConfig(flags);
    LogSetup.apply(config.node());
    HubNode node;
    try {
      node = HubNode.start(config).await(2, TimeUnit.MINUTES);
    } catch (ConfigException e) {
      // A file it names cannot be used (keys, certificates, the cluster file), or the cluster
      // refused this node's id: the operator's input, said as a bad flag is.
      System.err.println("hub: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      log.error("hub: could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node), "hub-shutdown"));
    log.info(
        "serving on {}:{} over {} (metrics at /metrics, readiness at /ready) as a member of {} with {} member(s)",
        config.node().host(),
        node.port(),
        SocketTransport.nameOf(node.vertx()),
        config.cluster().name(),
        node.clusterSize());
    // The one line scripts and tests wait for (docs/protocol.md section 9); it goes to stdout on
    // its own.
    System.out.printf(
        "hub ready node=%s port=%d cluster=%s members=%d%n",
        node.nodeId(), node.port(), config.cluster().name(), node.clusterSize());
    System.out.flush();
  }

  /** {@code hub.jar token ...}: prints a development token and exits. */
  private static void mintToken(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print(TokenCommand.usage());
      return;
    }
    try {
      System.out.println(TokenCommand.run(args, System.getenv()));
    } catch (Exception e) {
      System.err.println("hub token: " + e.getMessage());
      System.exit(2);
    }
  }

  private static HubConfig loadConfig(CommandLine flags) {
    // vertx-config needs a Vert.x; the clustered one cannot start before its configuration is read.
    Vertx reader = Vertx.vertx();
    try {
      return ConfigLoader.load(reader, flags, System.getenv()).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("hub: " + e.getMessage());
      System.exit(2);
      return null;
    } finally {
      reader.close();
    }
  }

  private static void stop(HubNode node) {
    log.info("stopping: sending reconnect to clients, then leaving the cluster");
    try {
      node.stop().await(node.config().node().drainTimeoutMs() + 10_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("graceful stop did not finish: {}", e.getMessage());
    }
  }
}
