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
 */
public record ClusterConfig(String name, String config, String host, Integer port, List<String> members,
                            int busPort, ClusterTlsConfig tls) {
  /** The default Hazelcast configuration: TCP-IP on loopback, multicast off. */
  public static final String LOOPBACK = "classpath:hub-cluster/loopback.xml";
}
