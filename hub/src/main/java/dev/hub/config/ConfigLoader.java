package dev.hub.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a node's configuration with vertx-config: the file (JSON or YAML), then the {@code HUB_*}
 * environment variables, then the flags, each store overriding the one before it. The variables
 * and flags arrive under their variable names and are moved to their place in the file's shape
 * once everything is merged.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * @param env the process environment (a parameter so tests can give their own)
   */
  public static Future<HubConfig> load(Vertx vertx, CommandLine flags, Map<String, String> env) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1);
    configFile(flags, env).ifPresent(file -> options.addStore(fileStore(file)));
    options.addStore(jsonStore(fromEnvironment(env)));
    options.addStore(jsonStore(fromFlags(flags)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever
        .getConfig()
        .recover(e -> Future.failedFuture(
            new ConfigException("cannot read configuration: " + e.getMessage(), e)))
        .map(ConfigLoader::placeSettings)
        .map(ConfigReader::read)
        .onComplete(ignored -> retriever.close());
  }

  private static Optional<String> configFile(CommandLine flags, Map<String, String> env) {
    return flags
        .get(Setting.CONFIG)
        .or(() -> Optional.ofNullable(env.get(Setting.CONFIG.variable())))
        .filter(file -> !file.isBlank());
  }

  private static ConfigStoreOptions fileStore(String file) {
    String format = file.endsWith(".yaml") || file.endsWith(".yml") ? "yaml" : "json";
    return new ConfigStoreOptions()
        .setType("file")
        .setFormat(format)
        .setConfig(new JsonObject().put("path", file));
  }

  private static ConfigStoreOptions jsonStore(JsonObject json) {
    return new ConfigStoreOptions().setType("json").setConfig(json);
  }

  private static JsonObject fromEnvironment(Map<String, String> env) {
    JsonObject json = new JsonObject();
    for (Setting setting : Setting.values()) {
      String value = env.get(setting.variable());
      if (value != null && !value.isBlank()) {
        json.put(setting.variable(), value);
      }
    }
    return json;
  }

  private static JsonObject fromFlags(CommandLine flags) {
    JsonObject json = new JsonObject();
    flags.values().forEach((setting, value) -> json.put(setting.variable(), value));
    return json;
  }

  /** Moves each {@code HUB_*} entry to its dotted path, typed, over whatever the file had there. */
  static JsonObject placeSettings(JsonObject merged) {
    JsonObject config = merged.copy();
    for (Setting setting : Setting.values()) {
      Object raw = config.remove(setting.variable());
      if (raw == null || setting.path() == null) {
        continue;
      }
      String[] path = setting.path().split("\\.");
      JsonObject parent = config;
      for (int i = 0; i < path.length - 1; i++) {
        JsonObject child = parent.getJsonObject(path[i]);
        if (child == null) {
          child = new JsonObject();
          parent.put(path[i], child);
        }
        parent = child;
      }
      parent.put(path[path.length - 1], typed(setting, String.valueOf(raw)));
    }
    return config;
  }

  private static Object typed(Setting setting, String text) {
    String value = text.trim();
    return switch (setting.kind()) {
      case TEXT -> value;
      case INT -> {
        try {
          yield Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw new ConfigException("--" + setting.flag() + " / " + setting.variable()
              + " must be a number, not '" + value + "'");
        }
      }
      case SWITCH ->
        switch (value.toLowerCase()) {
          case "true", "1", "yes", "on" -> true;
          case "false", "0", "no", "off" -> false;
          default ->
            throw new ConfigException("--" + setting.flag() + " / " + setting.variable()
                + " must be true or false, not '" + value + "'");
        };
      case LIST ->
        new JsonArray(Arrays.stream(value.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList());
    };
  }
}
