package dev.hub.routing;

/**
 * Who an event is for (docs/protocol.md section 3): everyone, a channel's subscribers, or every
 * connection of one user. {@link #key()} is its wire form between nodes.
 */
public sealed interface Audience {

  String key();

  static Audience all() {
    return All.INSTANCE;
  }

  static Audience channel(String channel) {
    return new Channel(channel);
  }

  static Audience user(String user) {
    return new User(user);
  }

  /**
   * The audience a {@link #key()} names; null for a key no node writes (channel names and users
   * are never empty).
   */
  static Audience parse(String key) {
    if (key == null) {
      return null;
    }
    if (key.equals(All.KEY)) {
      return All.INSTANCE;
    }
    if (key.startsWith(Channel.PREFIX) && key.length() > Channel.PREFIX.length()) {
      return new Channel(key.substring(Channel.PREFIX.length()));
    }
    if (key.startsWith(User.PREFIX) && key.length() > User.PREFIX.length()) {
      return new User(key.substring(User.PREFIX.length()));
    }
    return null;
  }

  /** Every connection in the cluster. */
  final class All implements Audience {
    static final String KEY = "all";
    static final All INSTANCE = new All();

    private All() {}

    @Override
    public String key() {
      return KEY;
    }
  }

  /** The subscribers of one channel. */
  record Channel(String name) implements Audience {
    static final String PREFIX = "channel:";

    @Override
    public String key() {
      return PREFIX + name;
    }
  }

  /** Every connection of one user, on any node. */
  record User(String id) implements Audience {
    static final String PREFIX = "user:";

    @Override
    public String key() {
      return PREFIX + id;
    }
  }
}
