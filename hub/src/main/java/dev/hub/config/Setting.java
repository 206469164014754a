package dev.hub.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every setting that has a command-line flag and an environment variable (docs/protocol.md section 9),
 * with where it lives in the configuration file. A flag wins over the variable, the variable over
 * the file, the file over the default.
 */
public enum Setting {
  PORT("port", "HUB_PORT", "port", Kind.INT, "HTTP and WebSocket port (0: any free port)"),
  HOST("host", "HUB_HOST", "host", Kind.TEXT, "bind address"),
  OPEN(
      "open",
      "HUB_OPEN",
      "open",
      Kind.SWITCH,
      "development mode: no token needed, every permission"),
  INSECURE(
      "insecure",
      "HUB_INSECURE",
      "insecure",
      Kind.SWITCH,
      "allow --open on a non-loopback address and under any host name"),
  CONFIG("config", "HUB_CONFIG", null, Kind.TEXT, "configuration file, JSON or YAML"),
  NODE_ID(
      "node-id",
      "HUB_NODE_ID",
      "nodeId",
      Kind.TEXT,
      "node id reported in connected and stats; unique in the cluster"),
  CLUSTER_NAME(
      "cluster-name",
      "HUB_CLUSTER_NAME",
      "cluster.name",
      Kind.TEXT,
      "nodes with the same name form one cluster"),
  CLUSTER_CONFIG(
      "cluster-config",
      "HUB_CLUSTER_CONFIG",
      "cluster.config",
      Kind.TEXT,
      "Hazelcast configuration file, or classpath:hub-cluster/<name>.xml"),
  CLUSTER_HOST(
      "cluster-host",
      "HUB_CLUSTER_HOST",
      "cluster.host",
      Kind.TEXT,
      "the one address the cluster member and event bus bind and advertise"),
  CLUSTER_PORT(
      "cluster-port", "HUB_CLUSTER_PORT", "cluster.port", Kind.INT, "first cluster port tried"),
  CLUSTER_SIZE(
      "cluster-size",
      "HUB_CLUSTER_SIZE",
      "cluster.size",
      Kind.INT,
      "nodes the cluster is meant to have: history only while a majority is seen (1: no majority needed)"),
  CLUSTER_BUS_PORT(
      "cluster-bus-port",
      "HUB_CLUSTER_BUS_PORT",
      "cluster.busPort",
      Kind.INT,
      "event-bus port between nodes, on the cluster host (0: any free port)"),
  CLUSTER_TLS_CERT(
      "cluster-tls-cert",
      "HUB_CLUSTER_TLS_CERT",
      "cluster.tls.cert",
      Kind.TEXT,
      "PEM certificate chain of this node for TLS between nodes (with --cluster-tls-key, --cluster-tls-ca)"),
  CLUSTER_TLS_KEY(
      "cluster-tls-key",
      "HUB_CLUSTER_TLS_KEY",
      "cluster.tls.key",
      Kind.TEXT,
      "PEM private key of --cluster-tls-cert"),
  CLUSTER_TLS_CA(
      "cluster-tls-ca",
      "HUB_CLUSTER_TLS_CA",
      "cluster.tls.ca",
      Kind.TEXT,
      "PEM certificate of the CA that signs every node's --cluster-tls-cert, and nothing else"),
  MEMBERS(
      "members",
      "HUB_MEMBERS",
      "cluster.members",
      Kind.LIST,
      "comma-separated host[:port] list of members to join"),
  JWT_SECRET(
      "jwt-secret",
      "HUB_JWT_SECRET",
      "jwt.secret",
      Kind.TEXT,
      "HMAC secret (HS256/384/512), at least 32 characters"),
  JWT_PUBLIC_KEY(
      "jwt-public-key",
      "HUB_JWT_PUBLIC_KEY",
      "jwt.publicKey",
      Kind.TEXT,
      "PEM file of an RSA (RS256), EC (ES256/384/512 by curve) or Ed25519 (EdDSA) public key"),
  JWKS("jwks", "HUB_JWKS", "jwt.jwks", Kind.TEXT, "JWKS file of public keys"),
  JWT_ISSUER("jwt-issuer", "HUB_JWT_ISSUER", "jwt.issuer", Kind.TEXT, "required iss claim"),
  JWT_AUDIENCE("jwt-audience", "HUB_JWT_AUDIENCE", "jwt.audience", Kind.TEXT, "required aud claim"),
  ORIGINS(
      "origins",
      "HUB_ORIGINS",
      "origins",
      Kind.LIST,
      "comma-separated allowed Origin values for /ws and /api (default: any; loopback only with --open)"),
  TLS_CERT(
      "tls-cert",
      "HUB_TLS_CERT",
      "tls.cert",
      Kind.TEXT,
      "PEM certificate chain; serves wss/https to clients (traffic between nodes: --cluster-tls-*)"),
  TLS_KEY("tls-key", "HUB_TLS_KEY", "tls.key", Kind.TEXT, "PEM private key of --tls-cert"),
  DRAIN_DELAY_MS(
      "drain-delay-ms",
      "HUB_DRAIN_DELAY_MS",
      "drainDelayMs",
      Kind.INT,
      "on a graceful stop, answer /ready with 503 this long before closing clients"),
  LOG_FORMAT(
      "log-format", "HUB_LOG_FORMAT", "logFormat", Kind.TEXT, "text (default) or json lines"),
  TRANSPORT(
      "transport",
      "HUB_TRANSPORT",
      "transport",
      Kind.TEXT,
      "auto (default: Linux's epoll where it loads, else Java NIO) or nio");

  /** How a flag or variable's text becomes a value. */
  public enum Kind {
    INT,
    TEXT,
    SWITCH,
    LIST
  }

  private final String flag;
  private final String variable;
  private final String path;
  private final Kind kind;
  private final String help;

  Setting(String flag, String variable, String path, Kind kind, String help) {
    this.flag = flag;
    this.variable = variable;
    this.path = path;
    this.kind = kind;
    this.help = help;
  }

  /** The flag without its leading dashes. */
  public String flag() {
    return flag;
  }

  public String variable() {
    return variable;
  }

  /** Dotted path in the configuration file, or null for settings that only choose the file. */
  public String path() {
    return path;
  }

  public Kind kind() {
    return kind;
  }

  public String help() {
    return help;
  }

  public static Optional<Setting> byFlag(String flag) {
    return Arrays.stream(values()).filter(s -> s.flag.equals(flag)).findFirst();
  }
}
