package dev.hub.auth;

import dev.hub.config.HubConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code Origin} allow-list of {@code /ws} and {@code /api} (docs/protocol.md sections 1 and 8).
 * A browser sends its page's origin with every WebSocket handshake and with every cross-site
 * request, and attaches the user's cookies whatever the origin, so without this check any site
 * could open a socket in the user's name (cross-site WebSocket hijacking) or post to the API.
 * Clients that are not browsers send no {@code Origin} and are let through: they carry a token.
 */
public final class OriginPolicy {
  /**
   * A page served from this machine: {@code http(s)://} then {@code localhost}, {@code 127.0.0.1} or
   * {@code [::1]}, any port, nothing after it. Anchored, so {@code http://localhost.evil.example}
   * is not one.
   */
  private static final Pattern LOOPBACK = Pattern.compile(
      "https?://(localhost|127\\.0\\.0\\.1|\\[::1])(:\\d{1,5})?/?", Pattern.CASE_INSENSITIVE);

  private final Set<String> allowed;
  private final boolean loopbackOnly;

  /** @param allowed exact origins such as {@code https://app.example.com}; empty: any origin, {@code *} too */
  public OriginPolicy(List<String> allowed) {
    this(allowed, false);
  }

  private OriginPolicy(List<String> allowed, boolean loopbackOnly) {
    this.allowed =
        allowed.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
    this.loopbackOnly = loopbackOnly;
  }

  /**
   * A node's policy: the {@code --origins} it was given; without them, any origin on a secured
   * node (its clients need a token) and only loopback origins in open mode, where every connection
   * gets every permission and any site the developer visits could otherwise use the node.
   */
  public static OriginPolicy forNode(HubConfig config) {
    List<String> origins = config.security().origins();
    return new OriginPolicy(origins, origins.isEmpty() && config.node().open());
  }

  public boolean allows(String origin) {
    if (origin == null) {
      return true;
    }
    if (loopbackOnly) {
      return LOOPBACK.matcher(origin.trim()).matches();
    }
    if (allowed.isEmpty() || allowed.contains("*")) {
      return true;
    }
    return allowed.contains(normalise(origin));
  }

  private static String normalise(String origin) {
    String trimmed = origin.trim().toLowerCase(Locale.ROOT);
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
