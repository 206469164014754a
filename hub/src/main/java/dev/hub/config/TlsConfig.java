package dev.hub.config;

/**
 * TLS for the node's port (wss and https). Both files or neither.
 *
 * @param certFile PEM certificate chain, or null: plain ws and http
 * @param keyFile PEM private key (PKCS#8 or PKCS#1), or null
 */
public record TlsConfig(String certFile, String keyFile) {
  public TlsConfig {
    if ((certFile == null) != (keyFile == null)) {
      throw new ConfigException(
          "TLS needs both tls.cert (--tls-cert) and tls.key (--tls-key), or neither");
    }
  }

  public boolean enabled() {
    return certFile != null;
  }
}
