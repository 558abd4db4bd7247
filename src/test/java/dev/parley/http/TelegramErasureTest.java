package dev.parley.http;

import static dev.parley.http.TelegramWebhookFixture.conversation;
import static dev.parley.http.TelegramWebhookFixture.post;
import static dev.parley.http.TelegramWebhookFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.channel.telegram.TelegramBotApiDouble.Answer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Erasing a conversation whose reply was only partly sent: the ids start over ("turn-1" again), and
 * the new reply of the same id is sent whole, not resumed after the erased reply's parts.
 */
@ExtendWith(LogCapturingExtension.class)
class TelegramErasureTest {
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("TelegramErasureDouble");
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, telegram);
  }

  /** Two paragraphs that the echo makes into a reply of two parts of at most 100 characters. */
  private static String twoParts(String a, String b) {
    return a.repeat(60) + "\n\n" + b.repeat(60);
  }

  @Test
  void aNewReplyAfterAnErasureIsSentWholeThoughAnErasedOneOfItsIdWasHalfSent() {
    long user = TelegramWebhookFixture.freshId();
    String key = "user:tg:" + user;
    Map<String, Object> config = new HashMap<>(TelegramWebhookFixture.config(telegram.url()));
    config.put("parley.telegram.max-message-chars", 100);
    // The conversation's own retry must not finish the half-sent reply before the erasure.
    config.put("parley.conversation.delivery.retry-min", "10m");
    config.put("parley.conversation.delivery.retry-max", "10m");
    // First part accepted, the second refused as often as the sender tries (max-attempts 2).
    telegram.script(
        "sendMessage",
        new Answer(200, "{\"ok\":true,\"result\":{\"message_id\":11}}"),
        Answer.serverError(),
        Answer.serverError());
    TestNode node =
        TestNode.start(
            TestNode.freshDataDir(),
            config,
            TestNode.withModel(TelegramWebhookFixture.echoModel()));
    try {
      assertEquals(200, post(node, update("private-text", user, twoParts("a", "b"))).status());
      node.awaitAssert(
          WAIT,
          () -> {
            assertEquals(3, telegram.calls("sendMessage").size());
            JsonNode turn = conversation(node, key).path("turns").path(0);
            assertEquals("pending", turn.path("reply").path("delivery").asText(), turn.toString());
            return null;
          });
      Reply erased =
          node.send(
              "DELETE",
              "/api/v1/conversations/" + key,
              null,
              "Authorization",
              "Bearer " + TelegramWebhookFixture.API_TOKEN);
      assertEquals(204, erased.status(), erased.raw());

      assertEquals(200, post(node, update("private-text", user, twoParts("c", "d"))).status());
      JsonNode turn =
          node.awaitAssert(
              WAIT,
              () -> {
                JsonNode t = conversation(node, key).path("turns").path(0);
                assertEquals("delivered", t.path("reply").path("delivery").asText(), t.toString());
                return t;
              });
      List<String> texts = telegram.deliveredTexts(user);
      assertEquals(3, texts.size(), texts.toString());
      assertTrue(texts.get(0).startsWith("echo: aaa"), texts.toString());
      assertTrue(texts.get(1).startsWith("echo: ccc"), texts.toString());
      assertEquals("d".repeat(60), texts.get(2));
      assertEquals(2, turn.path("reply").path("channelMessageIds").size(), turn.toString());
    } finally {
      node.stop();
    }
  }
}
