package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.parley.Main;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up checks of a Telegram configuration, and that secrets never show in toString. */
class TelegramSettingsTest {

  private static Config config(Map<String, Object> overrides) {
    Map<String, Object> all = new HashMap<>(overrides);
    return ConfigFactory.parseMap(all).withFallback(ConfigFactory.load());
  }

  private static String refusal(Map<String, Object> overrides) {
    return assertThrows(IllegalArgumentException.class, () -> Main.checked(config(overrides)))
        .getMessage();
  }

  @Test
  void offByDefault() {
    TelegramSettings settings = TelegramSettings.from(ConfigFactory.load());
    assertFalse(settings.configured());
    assertEquals("https://api.telegram.org", settings.apiUrl());
    assertFalse(settings.handleEditedMessages());
    assertEquals(65_536, settings.maxReplyChars());
    assertEquals("… (reply cut: too long)", settings.replyCutNotice());
    settings.validate("");
  }

  @Test
  void aReplyCapBelowOneMessageRefusesToStart() {
    String why =
        refusal(
            Map.of(
                "parley.telegram.bot-token", "1:abc",
                "parley.telegram.webhook-secret", "s3cret",
                "parley.http.api-token", "t",
                "parley.telegram.max-reply-chars", 1000));
    assertTrue(why.contains("max-reply-chars"), why);
  }

  @Test
  void aWebhookUrlWithoutASecretRefusesToStart() {
    String why =
        refusal(
            Map.of(
                "parley.telegram.bot-token", "1:abc",
                "parley.telegram.webhook-url", "https://bot.example.org/webhooks/telegram",
                "parley.http.api-token", "t"));
    assertTrue(why.contains("TELEGRAM_WEBHOOK_SECRET"), why);
  }

  @Test
  void aTokenWithoutASecretRefusesToStart() {
    String why =
        refusal(Map.of("parley.telegram.bot-token", "1:abc", "parley.http.api-token", "t"));
    assertTrue(why.contains("TELEGRAM_WEBHOOK_SECRET"), why);
  }

  @Test
  void aWebhookUrlWithoutATokenRefusesToStart() {
    String why =
        refusal(Map.of("parley.telegram.webhook-url", "https://x.example/webhooks/telegram"));
    assertTrue(why.contains("TELEGRAM_BOT_TOKEN"), why);
  }

  @Test
  void aConfiguredChannelNeedsTheApiToken() {
    String why =
        refusal(
            Map.of(
                "parley.telegram.bot-token", "1:abc", "parley.telegram.webhook-secret", "s3cret"));
    assertTrue(why.contains("PARLEY_API_TOKEN"), why);
  }

  @Test
  void aSecretTelegramWouldRefuseIsRefusedHere() {
    String why =
        refusal(
            Map.of(
                "parley.telegram.bot-token", "1:abc",
                "parley.telegram.webhook-secret", "has spaces!",
                "parley.http.api-token", "t"));
    assertTrue(why.contains("A-Z"), why);
  }

  @Test
  void aCompleteConfigurationStartsAndHidesItsSecrets() {
    Config checked =
        Main.checked(
            config(
                Map.of(
                    "parley.telegram.bot-token", "123:SECRET-TOKEN",
                    "parley.telegram.webhook-secret", "hook-secret",
                    "parley.telegram.webhook-url", "https://bot.example.org/webhooks/telegram",
                    "parley.telegram.api-url", "http://127.0.0.1:9/",
                    "parley.http.api-token", "t")));
    TelegramSettings settings = TelegramSettings.from(checked);
    assertTrue(settings.configured() && settings.registersWebhook());
    assertEquals("http://127.0.0.1:9", settings.apiUrl());
    assertEquals("http://127.0.0.1:9/bot123:SECRET-TOKEN/getMe", settings.methodUrl("getMe"));
    String shown = settings.toString();
    assertFalse(shown.contains("SECRET-TOKEN") || shown.contains("hook-secret"), shown);
  }
}
