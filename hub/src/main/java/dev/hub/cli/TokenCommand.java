package dev.hub.cli;

import dev.hub.auth.TokenMinter;
import dev.hub.config.CommandLine;
import dev.hub.config.ConfigException;
import dev.hub.config.ConfigLoader;
import dev.hub.config.ConfigReader;
import dev.hub.config.HubConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar hub.jar token --sub alice [--channels 'room:*,tasks'] [--publish ...] [--rpc ...]
 * [--broadcast] [--admin] [--ttl 1h] [node flags]}: prints a development token signed with the
 * HMAC secret the node is configured with (the same flags, variables and file).
 */
final class TokenCommand {
  static final String NAME = "token";

  private TokenCommand() {}

  /** Returns the token; throws {@link ConfigException} for bad arguments or configuration. */
  static String run(List<String> args, Map<String, String> env) throws Exception {
    Parsed parsed = parse(args);
    Vertx vertx = Vertx.vertx();
    try {
      HubConfig config = ConfigLoader.load(vertx, CommandLine.parse(parsed.nodeFlags()), env)
          .await(30, TimeUnit.SECONDS);
      return new TokenMinter(vertx, config.security().auth()).mint(parsed.grant());
    } finally {
      vertx.close();
    }
  }

  static String usage() {
    return "Usage: java -jar hub.jar token --sub <user> [--channels a,b*] [--publish a,b*] [--rpc addr*]\n"
        + "                             [--broadcast] [--admin] [--ttl 1h] [--jwt-secret ... | --config ...]\n"
        + "Prints an HS256 token signed with the configured secret, expiring after --ttl (at least 1s).\n";
  }

  private record Parsed(TokenMinter.Grant grant, List<String> nodeFlags) {}

  private static Parsed parse(List<String> args) {
    String sub = null;
    List<String> channels = List.of();
    List<String> publish = List.of();
    List<String> rpc = List.of();
    boolean broadcast = false;
    boolean admin = false;
    Duration ttl = Duration.ofHours(1);
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--sub" -> sub = value(args, ++i, arg);
        case "--channels" -> channels = list(value(args, ++i, arg));
        case "--publish" -> publish = list(value(args, ++i, arg));
        case "--rpc" -> rpc = list(value(args, ++i, arg));
        case "--broadcast" -> broadcast = true;
        case "--admin" -> admin = true;
        case "--ttl" -> ttl = ConfigReader.duration(value(args, ++i, arg), "--ttl");
        default -> rest.add(arg);
      }
    }
    // Open mode has no key to sign with; a leftover HUB_OPEN must not get in the way of minting.
    rest.add("--open=false");
    return new Parsed(
        new TokenMinter.Grant(sub, channels, publish, rpc, broadcast, admin, ttl), rest);
  }

  private static String value(List<String> args, int index, String flag) {
    if (index >= args.size()) {
      throw new ConfigException(flag + " needs a value");
    }
    return args.get(index);
  }

  private static List<String> list(String text) {
    return Arrays.stream(text.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
