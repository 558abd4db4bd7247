package dev.parley.http;

import static dev.parley.http.TelegramWebhookFixture.conversation;
import static dev.parley.http.TelegramWebhookFixture.post;
import static dev.parley.http.TelegramWebhookFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.TestNode;
import dev.parley.TestTags;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.channel.telegram.TelegramBotApiDouble.Answer;
import dev.parley.channel.telegram.TelegramBotApiDouble.Call;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reply recorded but not sent when its node stops (the Bot API answers 5xx throughout) is sent by
 * the next node on the same data, without a new update, exactly once, and then shows as delivered.
 */
@Tag(TestTags.SLOW)
@ExtendWith(LogCapturingExtension.class)
class TelegramRestartTest {
  private static final String WEBHOOK_URL = "https://bot.example.org/webhooks/telegram";
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("TelegramRestartDouble");
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, telegram);
  }

  private static void assertWebhookRegistered(TestNode node) {
    node.awaitAssert(
        WAIT,
        () -> {
          assertFalse(telegram.calls("getWebhookInfo").isEmpty());
          return null;
        });
    List<Call> calls = telegram.calls("setWebhook");
    assertEquals(List.of(502, 200), calls.stream().map(Call::status).toList());
    JsonNode body = calls.get(1).body();
    assertEquals(WEBHOOK_URL, body.path("url").asText());
    assertEquals(TelegramWebhookFixture.SECRET, body.path("secret_token").asText());
    assertEquals(40, body.path("max_connections").asInt());
    assertTrue(body.path("allowed_updates").toString().contains("callback_query"), body.toString());
    assertFalse(body.has("drop_pending_updates"), body.toString());
  }

  @Test
  void aReplyNotSentBeforeAStopIsSentOnceByTheNextNode() {
    long user = TelegramWebhookFixture.freshId();
    String key = "user:tg:" + user;
    Path data = TestNode.freshDataDir();
    telegram.standing("sendMessage", Answer.serverError());
    TestNode first =
        TestNode.start(
            data,
            TelegramWebhookFixture.config(telegram.url()),
            TestNode.withModel(TelegramWebhookFixture.echoModel()));
    try {
      assertEquals(200, post(first, update("private-text", user, "survive this")).status());
      first.awaitAssert(
          WAIT,
          () -> {
            // The reply is recorded, and sending it has failed at least twice over.
            assertTrue(
                telegram.calls("sendMessage").stream().filter(c -> c.status() == 502).count() >= 3);
            JsonNode turn = conversation(first, key).path("turns").path(0);
            assertEquals("pending", turn.path("reply").path("delivery").asText(), turn.toString());
            return null;
          });
    } finally {
      first.stop();
    }
    assertTrue(telegram.deliveredTexts(user).isEmpty());

    // The second node also registers the webhook; its first attempt fails and is retried.
    telegram.script("setWebhook", Answer.serverError());
    Map<String, Object> config = new HashMap<>(TelegramWebhookFixture.config(telegram.url()));
    config.put("parley.telegram.webhook-url", WEBHOOK_URL);
    TestNode second =
        TestNode.start(data, config, TestNode.withModel(TelegramWebhookFixture.echoModel()));
    // Sends are refused until the second node is up: a send of the first node that was still on
    // the wire when it stopped meets the refusal too. The second node's retry then goes through.
    telegram.clearStanding("sendMessage");
    try {
      // No new update: remember-entities brings the conversation back, and it sends.
      JsonNode turn =
          second.awaitAssert(
              WAIT,
              () -> {
                JsonNode t = conversation(second, key).path("turns").path(0);
                assertEquals("delivered", t.path("reply").path("delivery").asText(), t.toString());
                return t;
              });
      assertEquals("echo: survive this", turn.path("reply").path("text").asText());
      // A later message's reply comes after it: nothing is left to send twice.
      assertEquals(200, post(second, update("private-text", user, "and then")).status());
      List<String> texts =
          second.awaitAssert(
              WAIT,
              () -> {
                List<String> t = telegram.deliveredTexts(user);
                assertEquals(2, t.size(), t.toString());
                return t;
              });
      assertEquals(List.of("echo: survive this", "echo: and then"), texts);
      assertWebhookRegistered(second);
    } finally {
      second.stop();
    }
  }
}
