package dev.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.ScriptedModel;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the Telegram end-to-end tests share: the node's Telegram configuration (pointed at a Bot API
 * double), real-format updates from src/test/resources/telegram with fresh ids, and requests to the
 * webhook and the chat API.
 */
final class TelegramWebhookFixture {
  static final String TOKEN = "123456:E2E-token";
  static final String SECRET = "e2e-webhook-secret";
  static final String API_TOKEN = "e2e-api-token";
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  private static final AtomicLong IDS = new AtomicLong(300_000_000L);

  private TelegramWebhookFixture() {}

  /** Telegram on, against {@code apiUrl}, with fast retries and test pacing (10/s, burst 3). */
  static Map<String, Object> config(String apiUrl) {
    Map<String, Object> c = new HashMap<>();
    c.put("parley.telegram.bot-token", TOKEN);
    c.put("parley.telegram.webhook-secret", SECRET);
    c.put("parley.telegram.api-url", apiUrl);
    c.put("parley.http.api-token", API_TOKEN);
    c.put("parley.http.interface", "127.0.0.1");
    c.put("parley.telegram.send.max-attempts", 2);
    c.put("parley.telegram.send.retry-min", "50ms");
    c.put("parley.telegram.startup.retry-min", "100ms");
    c.put("parley.telegram.pacing.chat-per-second", 10.0);
    c.put("parley.telegram.pacing.chat-burst", 3);
    c.put("parley.telegram.pacing.group-per-minute", 600.0);
    c.put("parley.conversation.delivery.retry-min", "200ms");
    c.put("parley.conversation.delivery.retry-max", "1s");
    return c;
  }

  /**
   * The model of the Telegram tests: answers {@code "echo: " + <the last user text>}, or, when that
   * text starts with {@code "long"}, a Markdown reply of three 3000-character paragraphs (A, B, C)
   * that must go out as three Telegram messages.
   */
  static ScriptedModel echoModel() {
    return ScriptedModel.answeringAtOnce(
        request -> {
          String last = Objects.requireNonNullElse(ScriptedModel.lastUserText(request), "");
          return ScriptedModel.text(
              last.startsWith("long")
                  ? String.join("\n\n", paragraph('A'), paragraph('B'), paragraph('C'))
                  : "echo: " + last);
        });
  }

  static String paragraph(char c) {
    return String.valueOf(c).repeat(3000);
  }

  static long freshId() {
    return IDS.incrementAndGet();
  }

  /**
   * The stored payload {@code name} with a fresh update_id, its chat (and, in a private chat, its
   * user) set to {@code chatId}, and the text replaced when {@code text} is not null.
   */
  static ObjectNode update(String name, long chatId, String text) {
    ObjectNode update;
    try (InputStream in =
        TelegramWebhookFixture.class.getResourceAsStream("/telegram/" + name + ".json")) {
      update = (ObjectNode) TestNode.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    update.put("update_id", freshId());
    for (String field :
        new String[] {"message", "edited_message", "callback_query", "my_chat_member"}) {
      JsonNode part = update.path(field);
      if (part.isMissingNode()) {
        continue;
      }
      ObjectNode message =
          field.equals("callback_query") ? (ObjectNode) part.path("message") : (ObjectNode) part;
      ObjectNode chat = (ObjectNode) message.path("chat");
      chat.put("id", chatId);
      if (chatId > 0) {
        ((ObjectNode) part.path("from")).put("id", chatId);
      }
      if (text != null) {
        message.put("text", text);
        message.remove("entities");
      }
    }
    return update;
  }

  static Reply post(TestNode node, JsonNode update) {
    return node.send("POST", "/webhooks/telegram", update.toString(), SECRET_HEADER, SECRET);
  }

  static JsonNode conversation(TestNode node, String key) {
    Reply reply =
        node.send(
            "GET", "/api/v1/conversations/" + key, null, "Authorization", "Bearer " + API_TOKEN);
    if (reply.status() != 200) {
      throw new AssertionError("GET " + key + ": " + reply.status() + " " + reply.raw());
    }
    return reply.body();
  }
}
