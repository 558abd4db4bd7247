package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble.Answer;
import dev.parley.channel.whatsapp.WhatsAppFixtures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The channels in {@code /ready}'s detail on real nodes against the API doubles: Telegram's
 * getWebhookInfo (pending count, last delivery error) and bot username; WhatsApp's 190 (bad token)
 * as {@code tokenOk: false} until a send succeeds again. Neither changes the status code, and no
 * token or secret ever appears in the body.
 */
@ExtendWith(LogCapturingExtension.class)
class ChannelReadinessDetailTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("ChannelReadinessDoubles");
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Waits until /ready is 200 and its detail of {@code part} passes {@code check}. */
  private static JsonNode awaitDetail(
      TestNode node, String part, java.util.function.Consumer<JsonNode> check) {
    return node.awaitAssert(
        DEADLINE,
        () -> {
          Reply ready = node.getManagement("/ready");
          assertEquals(200, ready.status(), ready.raw());
          JsonNode detail = ready.body().path("detail").path(part);
          check.accept(detail);
          return ready.body();
        });
  }

  @Test
  void telegramShowsGetWebhookInfosPendingCountAndLastError() {
    try (TelegramBotApiDouble telegram =
        TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN)) {
      telegram.standing(
          "getWebhookInfo",
          new TelegramBotApiDouble.Answer(
              200,
              "{\"ok\":true,\"result\":{\"url\":\"https://bot.example.org/webhooks/telegram\","
                  + "\"has_custom_certificate\":false,\"pending_update_count\":7,"
                  + "\"last_error_date\":1767225600,"
                  + "\"last_error_message\":\"Wrong response from the webhook: 503 Service"
                  + " Unavailable\",\"max_connections\":40}}"));
      Map<String, Object> config =
          new java.util.HashMap<>(TelegramWebhookFixture.config(telegram.url()));
      config.put("parley.telegram.webhook-url", "https://bot.example.org/webhooks/telegram");
      try (TestNode node =
          TestNode.start(
              TestNode.freshDataDir(),
              config,
              TestNode.withModel(TelegramWebhookFixture.echoModel()))) {
        JsonNode body =
            awaitDetail(
                node,
                "telegram",
                t -> {
                  assertEquals(
                      "Wrong response from the webhook: 503 Service Unavailable",
                      t.path("lastError").asText(),
                      t.toString());
                  assertEquals(
                      TelegramBotApiDouble.BOT_USERNAME,
                      t.path("botUsername").asText(),
                      t.toString());
                });
        JsonNode t = body.path("detail").path("telegram");
        assertTrue(t.path("configured").asBoolean(), t.toString());
        assertTrue(t.path("webhookSet").asBoolean(), t.toString());
        assertEquals(7, t.path("pendingUpdates").asInt(), t.toString());
        assertEquals("2026-01-01T00:00:00Z", t.path("lastErrorAt").asText(), t.toString());
        assertTrue(t.path("getMeError").isNull(), t.toString());
        assertEquals("ready", body.path("status").asText(), body.toString());
        String raw = body.toString();
        assertFalse(raw.contains(TelegramWebhookFixture.TOKEN), raw);
        assertFalse(raw.contains(TelegramWebhookFixture.SECRET), raw);
        assertFalse(raw.contains(TelegramWebhookFixture.API_TOKEN), raw);
      }
    }
  }

  @Test
  void whatsAppShowsA190AsTokenNotOkUntilASendSucceeds() {
    try (GraphApiDouble graph = GraphApiDouble.start(kit.system());
        WhatsAppNode wa = new WhatsAppNode(graph)) {
      awaitDetail(
          wa.node, "whatsapp", w -> assertTrue(w.path("tokenOk").asBoolean(), w.toString()));
      String user = "31690000190";
      graph.enqueue(user, Answer.error(401, 190, "Error validating access token"));
      // The retry after the 190 is held here, so the alert stays up while the test looks.
      CompletableFuture<Answer> retry = graph.enqueueDeferred(user);
      String delivery =
          WhatsAppFixtures.load("text.json")
              .replace(WhatsAppFixtures.USER, user)
              .replace(WhatsAppFixtures.TEXT_WAMID, "wamid.READY190");
      Reply delivered = wa.deliver(delivery);
      assertEquals(200, delivered.status(), delivered.raw());

      JsonNode body =
          awaitDetail(
              wa.node,
              "whatsapp",
              w -> assertFalse(w.path("tokenOk").asBoolean(true), w.toString()));
      JsonNode w = body.path("detail").path("whatsapp");
      assertTrue(w.path("configured").asBoolean(), w.toString());
      assertTrue(w.path("lastAlert").asText().contains("190"), w.toString());
      assertEquals("whatsapp-token", w.path("lastAlertCode").asText(), w.toString());
      assertTrue(w.path("lastAlertAt").isTextual(), w.toString());
      assertEquals("ready", body.path("status").asText(), "a bad token is no reason to be unready");
      String raw = body.toString();
      assertFalse(raw.contains(WhatsAppNode.ACCESS_TOKEN), raw);
      assertFalse(raw.contains(WhatsAppNode.APP_SECRET), raw);

      retry.complete(Answer.sent("wamid.AFTER190"));
      JsonNode recovered =
          awaitDetail(
              wa.node, "whatsapp", r -> assertTrue(r.path("tokenOk").asBoolean(), r.toString()));
      assertTrue(
          recovered.path("detail").path("whatsapp").path("lastAlert").asText().contains("190"),
          "the last alert stays visible after recovery");
    }
  }
}
