package dev.hub.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The merged configuration JSON to validated records, with the defaults of docs/protocol.md. */
public final class ConfigReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private ConfigReader() {}

  public static HubConfig read(JsonObject json) {
    try {
      NodeConfig node = node(json);
      SecurityConfig security = security(json);
      requireSafeMode(node, security.auth());
      return new HubConfig(
          node,
          cluster(json.getJsonObject("cluster", new JsonObject())),
          limits(json.getJsonObject("limits", new JsonObject())),
          channels(json.getJsonArray("channels", new JsonArray())),
          security);
    } catch (ClassCastException e) {
      throw new ConfigException("a setting has the wrong type: " + e.getMessage());
    }
  }

  private static NodeConfig node(JsonObject json) {
    String nodeId = json.getString("nodeId");
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = "hub-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }
    return new NodeConfig(
        range(json, "port", 8080, 0, 65535),
        json.getString("host", "127.0.0.1"),
        json.getBoolean("open", false),
        json.getBoolean("insecure", false),
        nodeId,
        range(json, "eventLoops", Runtime.getRuntime().availableProcessors(), 1, 256),
        range(json, "heartbeatMs", 30_000, 100, 3_600_000),
        range(json, "drainTimeoutMs", 5_000, 0, 600_000),
        range(json, "drainDelayMs", 0, 0, 600_000),
        logFormat(json.getString("logFormat", NodeConfig.LOG_TEXT)),
        transport(json.getString("transport", NodeConfig.TRANSPORT_AUTO)));
  }

  private static String transport(String transport) {
    String value = transport.trim().toLowerCase(Locale.ROOT);
    if (!value.equals(NodeConfig.TRANSPORT_AUTO) && !value.equals(NodeConfig.TRANSPORT_NIO)) {
      throw new ConfigException("transport must be auto or nio, not " + transport);
    }
    return value;
  }

  private static String logFormat(String format) {
    String value = format.trim().toLowerCase(Locale.ROOT);
    if (!value.equals(NodeConfig.LOG_TEXT) && !value.equals(NodeConfig.LOG_JSON)) {
      throw new ConfigException("logFormat must be text or json, not " + format);
    }
    return value;
  }

  /**
   * Secure by default: a node verifies tokens unless it is told to run open. Open mode gives every
   * permission to anyone who connects, so it is refused where others can reach it unless the
   * operator insists. Keys and open mode together are refused too: which one wins would be a guess.
   */
  private static void requireSafeMode(NodeConfig node, AuthConfig auth) {
    if (!node.open()) {
      if (!auth.hasKeys()) {
        throw new ConfigException(
            "no token verification is configured: give --jwt-secret, --jwt-public-key or "
                + "--jwks (HUB_JWT_SECRET, HUB_JWT_PUBLIC_KEY, HUB_JWKS), or start with --open (HUB_OPEN=true) "
                + "for development");
      }
      return;
    }
    if (auth.hasKeys()) {
      throw new ConfigException(
          "--open and JWT keys are both configured: open mode would ignore the keys; "
              + "choose one");
    }
    if (!node.insecure() && !isLoopback(node.host())) {
      throw new ConfigException("refusing open mode on non-loopback address " + node.host()
          + ": anyone who reaches it gets every permission; add --insecure if that is meant");
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return LoopbackHost.isLoopback(host);
    } catch (UnknownHostException e) {
      throw new ConfigException("host " + host + " cannot be resolved");
    }
  }

  private static SecurityConfig security(JsonObject json) {
    JsonObject jwt = json.getJsonObject("jwt", new JsonObject());
    AuthConfig auth = new AuthConfig(
        text(jwt, "secret"),
        text(jwt, "publicKey"),
        text(jwt, "jwks"),
        text(jwt, "issuer"),
        text(jwt, "audience"),
        range(jwt, "leewaySeconds", 5, 0, 3600));
    JsonObject tls = json.getJsonObject("tls", new JsonObject());
    return new SecurityConfig(
        auth,
        strings(json.getJsonArray("origins", new JsonArray())),
        new TlsConfig(text(tls, "cert"), text(tls, "key")));
  }

  /** A string setting; blank counts as absent, so {@code HUB_JWT_SECRET=} does not set a key. */
  private static String text(JsonObject json, String key) {
    String value = json.getString(key);
    return value == null || value.isBlank() ? null : value;
  }

  private static List<String> strings(JsonArray json) {
    List<String> values = new ArrayList<>();
    for (Object value : json) {
      String text = String.valueOf(value).trim();
      if (!text.isEmpty()) {
        values.add(text);
      }
    }
    return List.copyOf(values);
  }

  private static ClusterConfig cluster(JsonObject json) {
    List<String> members = new ArrayList<>();
    for (Object member : json.getJsonArray("members", new JsonArray())) {
      String text = String.valueOf(member).trim();
      if (!text.isEmpty()) {
        members.add(text);
      }
    }
    Integer port = json.containsKey("port") ? range(json, "port", 5701, 1, 65535) : null;
    JsonObject tls = json.getJsonObject("tls", new JsonObject());
    return new ClusterConfig(
        json.getString("name", "hub"),
        json.getString("config", ClusterConfig.LOOPBACK),
        json.getString("host", "127.0.0.1"),
        port,
        List.copyOf(members),
        range(json, "busPort", 0, 0, 65535),
        new ClusterTlsConfig(text(tls, "cert"), text(tls, "key"), text(tls, "ca")),
        range(json, "size", 1, 1, 1000));
  }

  private static LimitsConfig limits(JsonObject json) {
    return new LimitsConfig(
        range(json, "frameBytes", 65_536, 256, 16 * 1024 * 1024),
        range(json, "ratePerSecond", 100, 1, 1_000_000),
        range(json, "burst", 200, 1, 1_000_000),
        range(json, "subscriptions", 256, 1, 1_000_000),
        range(json, "outboundBytes", 1_048_576, 4_096, 1 << 30),
        range(json, "connectionsPerNode", 100_000, 1, 10_000_000),
        range(json, "connectionsPerUser", LimitsConfig.DEFAULT_CONNECTIONS_PER_USER, 1, 10_000_000),
        range(json, "authTimeoutMs", (int) LimitsConfig.DEFAULT_AUTH_TIMEOUT_MS, 100, 600_000),
        range(
            json, "requestTimeoutMs", (int) LimitsConfig.DEFAULT_REQUEST_TIMEOUT_MS, 100, 600_000),
        range(
            json,
            "unauthenticatedPerIp",
            LimitsConfig.DEFAULT_UNAUTHENTICATED_PER_IP,
            1,
            10_000_000),
        range(
            json,
            "unauthenticatedPerNode",
            LimitsConfig.DEFAULT_UNAUTHENTICATED_PER_NODE,
            1,
            10_000_000),
        range(json, "historyChannels", LimitsConfig.DEFAULT_HISTORY_CHANNELS, 1, 10_000_000),
        range(
            json,
            "newChannelsPerSecond",
            LimitsConfig.DEFAULT_NEW_CHANNELS_PER_SECOND,
            1,
            1_000_000),
        range(
            json,
            "historyTimeoutMs",
            (int) LimitsConfig.DEFAULT_HISTORY_TIMEOUT_MS,
            1_000,
            600_000));
  }

  private static List<ChannelOptions> channels(JsonArray json) {
    List<ChannelOptions> channels = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      JsonObject entry = json.getJsonObject(i);
      String pattern = entry.getString("pattern");
      if (pattern == null || pattern.isEmpty()) {
        throw new ConfigException("channels[" + i + "].pattern is required");
      }
      JsonObject history = entry.getJsonObject("history", new JsonObject());
      channels.add(new ChannelOptions(
          pattern,
          range(history, "size", 0, 0, 10_000_000),
          duration(history.getValue("ttl", "1h"), "channels[" + i + "].history.ttl"),
          entry.getBoolean("presence", false),
          entry.getBoolean("joinLeave", false),
          entry.getBoolean("clientPublish", true)));
    }
    return List.copyOf(channels);
  }

  private static int range(JsonObject json, String key, int fallback, int min, int max) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != number.longValue()
        || number.longValue() < min
        || number.longValue() > max) {
      throw new ConfigException(
          key + " must be a whole number from " + min + " to " + max + ", not " + value);
    }
    return number.intValue();
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h} or {@code 1d}, or a number of milliseconds. */
  public static Duration duration(Object value, String name) {
    if (value instanceof Number millis) {
      return Duration.ofMillis(millis.longValue());
    }
    Matcher m = DURATION.matcher(String.valueOf(value).trim());
    if (!m.matches()) {
      throw new ConfigException(name + " must look like 500ms, 30s, 10m, 1h or 1d, not " + value);
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
