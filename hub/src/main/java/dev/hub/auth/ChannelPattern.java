package dev.hub.auth;

import java.util.List;

/** A name pattern from a claim: an exact name, or a prefix followed by {@code *}; {@code "*"} matches all. */
public record ChannelPattern(String prefix, boolean wildcard) {
  public static final ChannelPattern ANY = new ChannelPattern("", true);

  public static ChannelPattern of(String pattern) {
    return pattern.endsWith("*")
        ? new ChannelPattern(pattern.substring(0, pattern.length() - 1), true)
        : new ChannelPattern(pattern, false);
  }

  public boolean matches(String name) {
    return wildcard ? name.startsWith(prefix) : name.equals(prefix);
  }

  static boolean anyMatches(List<ChannelPattern> patterns, String name) {
    for (ChannelPattern pattern : patterns) {
      if (pattern.matches(name)) {
        return true;
      }
    }
    return false;
  }
}
