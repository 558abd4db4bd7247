package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PARLEY_CONFIG: the operator's HOCON file over application.conf and reference.conf. */
class ConfigLayersTest {
  @TempDir Path dir;

  @Test
  void withoutAFileTheDefaultsHold() {
    var config = ConfigLayers.load(null);
    assertEquals(4000, config.getInt("parley.tool.max-result-chars"));
    // Only Parley's keys: the system properties in the whole tree may change between two loads
    // (the JVM sets user.timezone the first time something asks for the default time zone).
    assertEquals(
        ConfigLayers.load("").getConfig("parley").root(), config.getConfig("parley").root());
  }

  @Test
  void theOperatorsKeysWinAndMayUseTheEnvironment() throws IOException {
    Path file = dir.resolve("parley.conf");
    Files.writeString(
        file,
        """
        parley.tool.max-result-chars = 1234
        parley.tool.http.lookup {
          description = "d"
          url = "http://127.0.0.1/x"
          headers { X-Home = ${?HOME} }
        }
        """);
    var config = ConfigLayers.load(file.toString());
    assertEquals(1234, config.getInt("parley.tool.max-result-chars"));
    assertEquals(System.getenv("HOME"), config.getString("parley.tool.http.lookup.headers.X-Home"));
    // Everything else still comes from reference.conf.
    assertEquals("10s", config.getString("parley.tool.call-timeout"));
  }

  @Test
  void aFileThatIsMissingOrBrokenRefusesToStart() throws IOException {
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLayers.load(dir.resolve("nope.conf").toString()));
    assertEquals(
        "PARLEY_CONFIG=" + dir.resolve("nope.conf") + " names no readable file",
        missing.getMessage());
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "parley.tool { max-result-chars = ");
    assertThrows(RuntimeException.class, () -> ConfigLayers.load(broken.toString()));
  }
}
