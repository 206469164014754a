package dev.hub.protocol;

/** Channel name rules (docs/protocol.md section 4): 1 to 255 characters of {@code A-Z a-z 0-9 _ - . : @ /}. */
public final class ChannelNames {
  public static final int MAX_LENGTH = 255;

  private ChannelNames() {}

  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isAllowed(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Throws {@code bad_channel} unless the name is valid. */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new HubException(
          ErrorCode.BAD_CHANNEL,
          "channel names are 1 to 255 characters of A-Z a-z 0-9 _ - . : @ /");
    }
    return name;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.'
        || c == ':'
        || c == '@'
        || c == '/';
  }
}
