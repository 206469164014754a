package dev.hub.config;

import java.util.List;

/**
 * How this node joins its cluster.
 *
 * @param name nodes with the same name form one cluster
 * @param config Hazelcast XML file path, or {@code classpath:<resource>}
 * @param host address the cluster member and the event bus bind and advertise
 * @param port first cluster port tried; null keeps the file's port
 * @param members {@code host[:port]} list of members to join; empty keeps the file's join settings
 * @param busPort port of the event bus between nodes, on {@code host}; 0: any free port
 * @param tls mutual TLS on the event bus, or {@link ClusterTlsConfig#none()}
 * @param size how many nodes the cluster is meant to have; history is served only while a node sees
 *     a majority of them ({@code size / 2 + 1}), so a network split can never number two events
 *     alike. 1 (the default) requires no majority (docs/protocol.md section 10)
 */
public record ClusterConfig(
    String name,
    String config,
    String host,
    Integer port,
    List<String> members,
    int busPort,
    ClusterTlsConfig tls,
    int size) {
  /** The default Hazelcast configuration: TCP-IP on loopback, multicast off. */
  public static final String LOOPBACK = "classpath:hub-cluster/loopback.xml";

  /** How many nodes must be seen, this one included, for history to be served: a majority of {@link #size}. */
  public int quorum() {
    return size / 2 + 1;
  }
}
