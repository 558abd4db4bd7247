package dev.parley.k8s;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the manifest checks need to know of Parley's configuration: the defaults (every
 * reference.conf, not overridden by the test JVM's system properties), the variables
 * application.conf reads, and the bound on coordinated shutdown. Settings of modules that are not
 * on the classpath yet (Pekko Management) fall back to those modules' documented defaults.
 */
final class DeploymentConfig {
  static final Path APPLICATION_CONF = Path.of("application.conf");
  static final Path REFERENCE_CONF = Path.of("src/main/resources/reference.conf");

  private static final Pattern ENV_SUBSTITUTION = Pattern.compile("\\$\\{\\?([A-Za-z0-9_]+)}");

  final Config config = ConfigFactory.defaultReferenceUnresolved().resolve();

  int httpPort() {
    return config.getInt("parley.http.port");
  }

  int managementPort() {
    return config.getInt("parley.cluster.management-port");
  }

  int remotingPort() {
    return config.getInt("parley.cluster.remoting-port");
  }

  /** A string setting, or {@code fallback} when the module that defines it is not loaded. */
  String setting(String path, String fallback) {
    return config.hasPath(path) ? config.getString(path) : fallback;
  }

  /** Whether Parley's own reference.conf sets this path (not just a library's default). */
  static boolean parleySets(String path) {
    return !ConfigFactory.parseFile(REFERENCE_CONF.toFile()).withOnlyPath(path).isEmpty();
  }

  /** Every NAME of a {@code ${?NAME}} in application.conf, comment lines left out. */
  static Set<String> applicationConfVariables() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(APPLICATION_CONF)) {
      String code = line.strip();
      if (code.startsWith("#") || code.startsWith("//")) {
        continue;
      }
      Matcher m = ENV_SUBSTITUTION.matcher(code);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * The longest coordinated shutdown can take: the sum of every enabled phase's timeout, which
   * Parley's reference.conf sets (Pekko's own defaults add up to far more than any grace period).
   */
  Duration coordinatedShutdownBound() {
    if (!parleySets("pekko.coordinated-shutdown")) {
      throw new AssertionError("reference.conf must bound coordinated shutdown's phases");
    }
    Config shutdown = config.getConfig("pekko.coordinated-shutdown");
    Duration fallback = shutdown.getDuration("default-phase-timeout");
    Duration total = Duration.ZERO;
    for (String phase : shutdown.getObject("phases").keySet()) {
      Config p = shutdown.getConfig(ConfigUtil.joinPath("phases", phase));
      if (!p.hasPath("enabled") || p.getBoolean("enabled")) {
        total = total.plus(p.hasPath("timeout") ? p.getDuration("timeout") : fallback);
      }
    }
    return total;
  }
}
