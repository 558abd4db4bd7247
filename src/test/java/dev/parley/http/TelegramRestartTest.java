package dev.parley.http;

import static dev.parley.http.TelegramWebhookFixture.conversation;
import static dev.parley.http.TelegramWebhookFixture.post;
import static dev.parley.http.TelegramWebhookFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.parley.TestNode;
import dev.parley.channel.telegram.CountingEchoModel;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.channel.telegram.TelegramBotApiDouble.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reply recorded but not sent when its node stops (the Bot API answers 5xx throughout) is sent by
 * the next node on the same data, without a new update, exactly once, and then shows as delivered.
 */
@ExtendWith(LogCapturingExtension.class)
class TelegramRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(25);
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            "TelegramRestartDouble",
            ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local")));
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
  }

  @AfterAll
  static void stop() {
    telegram.close();
    kit.shutdownTestKit();
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
            TelegramWebhookFixture.deps(new CountingEchoModel()));
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

    telegram.clearStanding("sendMessage");
    TestNode second =
        TestNode.start(
            data,
            TelegramWebhookFixture.config(telegram.url()),
            TelegramWebhookFixture.deps(new CountingEchoModel()));
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
    } finally {
      second.stop();
    }
  }
}
