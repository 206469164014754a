package dev.hub.config;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The flags of one command line: {@code --name value}, {@code --name=value}, and bare switches
 * ({@code --open}). Unknown flags are refused, so a typo never starts a node with a default.
 */
public record CommandLine(Map<Setting, String> values, boolean help) {

  public static CommandLine parse(List<String> args) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new ConfigException(
            "unexpected argument '" + arg + "' (flags start with --; see --help)");
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      String flagName = name;
      Setting setting = Setting.byFlag(flagName)
          .orElseThrow(() -> new ConfigException("unknown flag --" + flagName + " (see --help)"));
      if (setting.kind() == Setting.Kind.SWITCH) {
        values.put(setting, inline == null ? "true" : inline);
      } else if (inline != null) {
        values.put(setting, inline);
      } else if (i + 1 < args.size()) {
        values.put(setting, args.get(++i));
      } else {
        throw new ConfigException("flag --" + flagName + " needs a value");
      }
    }
    return new CommandLine(Map.copyOf(values), help);
  }

  public Optional<String> get(Setting setting) {
    return Optional.ofNullable(values.get(setting));
  }

  /** The usage text printed for {@code --help}. */
  public static String usage() {
    return "Usage: java -jar hub.jar [flags]\n       java -jar hub.jar token --sub <user> [...] (see token --help)\n\n"
        + Arrays.stream(Setting.values())
            .map(s -> String.format(
                "  --%-16s %-20s %s",
                s.flag() + (s.kind() == Setting.Kind.SWITCH ? "" : " <v>"), s.variable(), s.help()))
            .collect(Collectors.joining("\n"))
        + "\n";
  }
}
