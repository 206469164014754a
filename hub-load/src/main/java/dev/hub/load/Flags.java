package dev.hub.load;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --name value} options (or {@code --name=value}), checked against the options a command
 * knows, read as typed values. Every mistake is a {@link UsageException} naming the option.
 */
final class Flags {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  static Flags parse(List<String> args, Set<String> known) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument '" + arg + "': options are --name value");
      }
      String name = arg.substring(2);
      String value;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException("--" + name + " needs a value");
      }
      if (!known.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
      if (values.put(name, value) != null) {
        throw new UsageException("--" + name + " is given twice");
      }
    }
    return new Flags(values);
  }

  String text(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int integer(String name, int fallback, int min, int max) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value.trim());
      if (number < min || number > max) {
        throw new UsageException("--" + name + " must be " + min + " to " + max + ", not " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, not '" + value + "'");
    }
  }

  double decimal(String name, double fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      double number = Double.parseDouble(value.trim());
      if (!(number > 0) || Double.isInfinite(number)) {
        throw new UsageException("--" + name + " must be a number above 0, not " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, not '" + value + "'");
    }
  }

  /** {@code 10} (seconds), {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}. */
  Duration duration(String name, Duration fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new UsageException(
          "--" + name + " must be a duration like 10, 10s, 500ms or 2m, not '" + value + "'");
    }
    double amount = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    double millis = amount
        * switch (unit) {
          case "ms" -> 1;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          default -> 1_000;
        };
    return Duration.ofMillis(Math.round(millis));
  }

  <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new UsageException(
          "--" + name + " must be one of " + String.join(", ", names) + ", not '" + value + "'");
    }
  }

  List<String> list(String name) {
    String value = values.get(name);
    List<String> items = new ArrayList<>();
    if (value != null) {
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return List.copyOf(items);
  }

  List<URI> urls(String name, String fallback) {
    List<String> texts = values.containsKey(name) ? list(name) : List.of(fallback);
    if (texts.isEmpty()) {
      throw new UsageException("--" + name + " needs at least one url");
    }
    List<URI> urls = new ArrayList<>();
    for (String text : texts) {
      try {
        URI url = new URI(text);
        LoadOptions.requireWebSocketUrl(url);
        urls.add(url);
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new UsageException("--" + name + ": '" + text + "' is not a ws://host:port/path url");
      }
    }
    return List.copyOf(urls);
  }

  List<Long> pids(String name) {
    List<Long> pids = new ArrayList<>();
    for (String text : list(name)) {
      try {
        long pid = Long.parseLong(text);
        if (pid <= 0) {
          throw new NumberFormatException();
        }
        pids.add(pid);
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + ": '" + text + "' is not a process id");
      }
    }
    return List.copyOf(pids);
  }
}
