package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {
  private static LlmSettings settings(String overrides) {
    return LlmSettings.from(
        ConfigFactory.parseString("parley.llm {\n" + overrides + "\n}")
            .withFallback(ConfigFactory.load()));
  }

  @Test
  void defaultsAreOfflineAndValid() {
    LlmSettings defaults = settings("").validate();

    assertTrue(defaults.isOffline());
    assertEquals(Duration.ofSeconds(60), defaults.requestTimeout());
    assertEquals(2048, defaults.maxConnections());
    assertEquals(2048, defaults.maxOpenRequests());
    assertEquals(4L * 1024 * 1024, defaults.maxResponseBytes());
  }

  @Test
  void toStringMasksTheApiKey() {
    String text = settings("api-key = \"sk-very-secret\"").toString();

    assertFalse(text.contains("sk-very-secret"), text);
    assertTrue(text.contains("apiKey=***"), text);
  }

  @Test
  void validateRejectsUnknownProvider() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> settings("provider = anthropic").validate());

    assertTrue(e.getMessage().contains("anthropic"), e.getMessage());
  }

  @Test
  void validateRejectsOpenAiWithoutBaseUrlOrModel() {
    assertThrows(
        IllegalArgumentException.class,
        () -> settings("provider = openai\nbase-url = \"\"").validate());
    assertThrows(
        IllegalArgumentException.class,
        () -> settings("provider = openai\nmodel = \"\"").validate());
  }

  @Test
  void validateRejectsPoolThatPekkoWouldRefuse() {
    assertThrows(
        IllegalArgumentException.class, () -> settings("max-open-requests = 1000").validate());
  }

  @Test
  void providerIsReadWithoutRegardToCase() {
    assertEquals("openai", settings("provider = OpenAI").validate().provider());
  }
}
