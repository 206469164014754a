package dev.hub.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.hub.config.NodeConfig;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * Applies the logging settings of a node's configuration to logback, for a process that runs one
 * node: the node id goes into every line, and {@code --log-format json} switches to JSON lines
 * (the {@code HUB_LOG_FORMAT} variable alone is read by {@code logback.xml} itself, from the first line).
 */
final class LogSetup {
  private static final String FORMAT_PROPERTY = "HUB_LOG_FORMAT";

  private LogSetup() {}

  static void apply(NodeConfig node) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    String configured = System.getProperty(FORMAT_PROPERTY, System.getenv(FORMAT_PROPERTY));
    if (!node.logFormat().equals(configured == null ? NodeConfig.LOG_TEXT : configured)) {
      // A flag, or a value in the configuration file: logback read its file before either was
      // known.
      System.setProperty(FORMAT_PROPERTY, node.logFormat());
      reload(context);
    }
    context.putProperty("node", node.nodeId());
  }

  private static void reload(LoggerContext context) {
    URL file = LogSetup.class.getClassLoader().getResource("logback.xml");
    if (file == null) {
      return;
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(file);
    } catch (JoranException e) {
      System.err.println("hub: cannot apply the log format: " + e.getMessage());
    }
  }
}
