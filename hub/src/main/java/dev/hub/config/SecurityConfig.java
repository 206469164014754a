package dev.hub.config;

import java.util.List;

/**
 * Everything about who may connect: token verification, the {@code Origin} allow-list and TLS.
 *
 * @param auth how tokens are verified
 * @param origins allowed {@code Origin} header values; empty: any origin on a secured node, only
 *     loopback ones in open mode ({@link dev.hub.auth.OriginPolicy#forNode})
 * @param tls certificate and key for wss, or none
 */
public record SecurityConfig(AuthConfig auth, List<String> origins, TlsConfig tls) {}
