package dev.parley.channel.whatsapp;

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

/** The channel is off by default, all-or-nothing when configured, and never shows a secret. */
class WhatsAppSettingsTest {
  private static final Map<String, String> ALL =
      Map.of(
          "parley.whatsapp.app-secret", "s3cr3t-app",
          "parley.whatsapp.verify-token", "v3rify",
          "parley.whatsapp.access-token", "EAAG-t0ken",
          "parley.whatsapp.phone-number-id", "106540352242922");

  private static Config config(Map<String, String> overrides) {
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
  }

  @Test
  void offByDefaultWithMetasDefaults() {
    WhatsAppSettings s = WhatsAppSettings.from(ConfigFactory.load());
    assertFalse(s.configured());
    assertEquals("https://graph.facebook.com/v21.0", s.apiUrl());
    assertEquals(80.0, s.messagesPerSecond());
    assertEquals(65_536, s.maxReplyChars());
    assertEquals("… (reply cut: too long)", s.replyCutNotice());
  }

  @Test
  void aReplyCapBelowOneMessageRefusesToStart() {
    Map<String, String> small = new HashMap<>(ALL);
    small.put("parley.whatsapp.max-reply-chars", "100");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WhatsAppSettings.from(config(small)));
    assertEquals("parley.whatsapp.max-reply-chars must be at least 4096", e.getMessage());
  }

  @Test
  void unauthenticatedBodiesAreCappedByDefault() {
    Config defaults = ConfigFactory.load();
    // One body may be as large as Meta documents (3 MB), so no real delivery is refused; what
    // unsigned bodies may hold across the node is the budget below.
    assertEquals(3L * 1024 * 1024, WhatsAppSettings.from(defaults).maxWebhookBytes());
    assertEquals(16L * 1024 * 1024, defaults.getBytes("parley.whatsapp.max-unverified-bytes"));
  }

  @Test
  void aBudgetOfUnverifiedBytesBelowOneBodyRefusesToStart() {
    Map<String, String> small = new HashMap<>(ALL);
    small.put("parley.whatsapp.max-webhook-bytes", "256k");
    small.put("parley.whatsapp.max-unverified-bytes", "100k");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WhatsAppSettings.from(config(small)));
    assertTrue(e.getMessage().contains("max-unverified-bytes"), e.getMessage());
  }

  @Test
  void allFourMakeTheChannelOnAndTheUrlIsBuiltFromThem() {
    Map<String, String> all = new HashMap<>(ALL);
    all.put("parley.whatsapp.api-url", "http://127.0.0.1:1/v21.0/");
    WhatsAppSettings s = WhatsAppSettings.from(config(all));
    assertTrue(s.configured());
    assertEquals("http://127.0.0.1:1/v21.0/106540352242922/messages", s.messagesUrl());
  }

  @Test
  void aPartialSetRefusesToStartNamingWhatIsMissing() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WhatsAppSettings.from(
                    config(Map.of("parley.whatsapp.access-token", "EAAG-t0ken"))));
    assertEquals(
        "WhatsApp is partly configured: WHATSAPP_ACCESS_TOKEN is set but WHATSAPP_APP_SECRET,"
            + " WHATSAPP_VERIFY_TOKEN, WHATSAPP_PHONE_NUMBER_ID are not (set all four, or none to"
            + " switch WhatsApp off)",
        e.getMessage());
    assertFalse(e.getMessage().contains("EAAG"));
  }

  @Test
  void aConfiguredChannelNeedsTheApiToken() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Main.checked(config(ALL)));
    assertTrue(e.getMessage().startsWith("PARLEY_API_TOKEN is required"), e.getMessage());
    Map<String, String> withToken = new HashMap<>(ALL);
    withToken.put("parley.http.api-token", "api-t0ken");
    Main.checked(config(withToken));
  }

  @Test
  void toStringMasksEverySecret() {
    String text = WhatsAppSettings.from(config(ALL)).toString();
    assertFalse(text.contains("s3cr3t-app"));
    assertFalse(text.contains("v3rify"));
    assertFalse(text.contains("EAAG-t0ken"));
    assertTrue(text.contains("106540352242922"));
  }
}
