package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deployable application.conf (project root; Surefire runs there) parses and resolves on top of
 * the defaults, and leaves every default alone when no environment variable is set.
 */
@ExtendWith(LogCapturingExtension.class)
class ApplicationConfTest {
  private static final Path FILE = Path.of("application.conf");

  private static Config load() {
    assertEquals(
        true, Files.isRegularFile(FILE), "application.conf is in " + Path.of("").toAbsolutePath());
    return ConfigFactory.parseFile(FILE.toFile())
        // unresolved: the defaults as shipped, not overridden by this JVM's system properties
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }

  @Test
  void resolvesOnTopOfTheDefaults() {
    Config config = load();
    assertEquals("h2", config.getString("parley.db.kind"));
    assertEquals("offline", config.getString("parley.llm.provider"));
  }

  @Test
  void keepsHttpPort8080WhenUnset() {
    assumeTrue(System.getenv("PARLEY_HTTP_PORT") == null, "PARLEY_HTTP_PORT is set here");
    assertEquals(8080, load().getInt("parley.http.port"));
  }

  @Test
  void passesTheStartUpChecks() {
    assumeTrue(System.getenv("PARLEY_DB") == null && System.getenv("PARLEY_API_TOKEN") == null);
    Config checked = Main.checked(load());
    assertEquals(25520, checked.getInt("pekko.remote.artery.canonical.port"));
  }
}
