package dev.hub.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Mutual TLS on the event bus between nodes: each node presents its certificate and accepts only
 * peers whose certificate the cluster CA signed, as server and as client. All three files or none.
 * Hostnames are not checked (Vert.x's event-bus client never checks them): the CA alone decides
 * who is a node, so it must sign node certificates and nothing else.
 *
 * @param certFile PEM certificate chain of this node, or null: the event bus is plain TCP
 * @param keyFile PEM private key (PKCS#8 or PKCS#1) of the certificate, or null
 * @param caFile PEM certificate(s) of the cluster CA, or null
 */
public record ClusterTlsConfig(String certFile, String keyFile, String caFile) {
  public ClusterTlsConfig {
    List<String> missing = new ArrayList<>();
    if (certFile == null) {
      missing.add("cluster.tls.cert (--cluster-tls-cert)");
    }
    if (keyFile == null) {
      missing.add("cluster.tls.key (--cluster-tls-key)");
    }
    if (caFile == null) {
      missing.add("cluster.tls.ca (--cluster-tls-ca)");
    }
    if (!missing.isEmpty() && missing.size() < 3) {
      throw new ConfigException(
          "cluster TLS needs a certificate, its key and the cluster CA, or none of them; "
              + "missing " + String.join(", ", missing));
    }
  }

  /** No TLS between nodes. */
  public static ClusterTlsConfig none() {
    return new ClusterTlsConfig(null, null, null);
  }

  public boolean enabled() {
    return certFile != null;
  }
}
