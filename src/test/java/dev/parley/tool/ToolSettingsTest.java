package dev.parley.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ToolSettingsTest {

  @Test
  void readsTheDefaultsFromReferenceConf() {
    assertEquals(
        new ToolSettings(Duration.ofSeconds(10), 4000), ToolSettings.from(ConfigFactory.load()));
  }

  @Test
  void readsOverrides() {
    var config =
        ConfigFactory.parseString("parley.tool { call-timeout = 250ms, max-result-chars = 12 }")
            .withFallback(ConfigFactory.load());
    assertEquals(new ToolSettings(Duration.ofMillis(250), 12), ToolSettings.from(config));
  }

  @Test
  void refusesNonPositiveValues() {
    assertThrows(IllegalArgumentException.class, () -> new ToolSettings(Duration.ZERO, 10));
    assertThrows(IllegalArgumentException.class, () -> new ToolSettings(Duration.ofSeconds(1), 0));
  }
}
