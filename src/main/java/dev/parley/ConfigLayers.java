package dev.parley;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration a node starts from, in layers, each winning over the next: JVM system
 * properties ({@code -Dkey=value}); the operator's file named by {@code PARLEY_CONFIG}, if any
 * (tools, policies, anything with no environment variable); {@code application.conf} (which maps
 * the environment variables); {@code reference.conf} (every default). Substitutions such as {@code
 * ${?SHOP_TOKEN}} are resolved over the whole, so the operator's file can take secrets from the
 * environment.
 */
public final class ConfigLayers {
  /** The environment variable naming the operator's file. */
  public static final String VARIABLE = "PARLEY_CONFIG";

  private ConfigLayers() {}

  /**
   * Loads the layers; {@code operatorFile} null or blank leaves that layer out.
   *
   * @throws IllegalArgumentException when the named file cannot be read
   */
  public static Config load(String operatorFile) {
    ConfigFactory.invalidateCaches();
    Config operator = ConfigFactory.empty();
    if (operatorFile != null && !operatorFile.isBlank()) {
      Path file = Path.of(operatorFile);
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new IllegalArgumentException(
            VARIABLE + "=" + operatorFile + " names no readable file");
      }
      operator =
          ConfigFactory.parseFile(
              file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    }
    return ConfigFactory.defaultOverrides()
        .withFallback(operator)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
