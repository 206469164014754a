package dev.hub.auth;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code Origin} allow-list (docs/protocol.md section 1). A browser sends its page's origin with
 * every WebSocket handshake and attaches the user's cookies whatever the origin, so without this
 * check any site could open a socket in the user's name (cross-site WebSocket hijacking).
 * Clients that are not browsers send no {@code Origin} and are let through: they carry a token.
 */
public final class OriginPolicy {
  private final Set<String> allowed;

  /** @param allowed exact origins such as {@code https://app.example.com}; empty: any origin, {@code *} too */
  public OriginPolicy(List<String> allowed) {
    this.allowed = allowed.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
  }

  public boolean allows(String origin) {
    if (allowed.isEmpty() || allowed.contains("*") || origin == null) {
      return true;
    }
    return allowed.contains(normalise(origin));
  }

  private static String normalise(String origin) {
    String trimmed = origin.trim().toLowerCase(Locale.ROOT);
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
