package dev.parley.http;

import static dev.parley.http.TelegramWebhookFixture.conversation;
import static dev.parley.http.TelegramWebhookFixture.post;
import static dev.parley.http.TelegramWebhookFixture.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.DoublesKit;
import dev.parley.ScriptedModel;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.channel.telegram.TelegramBotApiDouble;
import dev.parley.channel.telegram.TelegramBotApiDouble.Answer;
import dev.parley.channel.telegram.TelegramBotApiDouble.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Telegram end to end: a real node (H2 in a temp directory, a counting echo model) receives
 * real-format updates on its webhook and replies through a Bot API double over HTTP. Proves the
 * secret check, dedupe on update_id, order under a burst, pacing, addressed-only group handling,
 * long replies in parts, the "only text" and "too long" notices, button presses and abandoned
 * deliveries.
 */
@ExtendWith(LogCapturingExtension.class)
class TelegramWebhookEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int MAX_TEXT = 3000;
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;
  private static ScriptedModel model;
  private static TestNode node;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("TelegramDouble");
    telegram = TelegramBotApiDouble.start(kit.system(), TelegramWebhookFixture.TOKEN);
    model = TelegramWebhookFixture.echoModel();
    Map<String, Object> config = TelegramWebhookFixture.config(telegram.url());
    // Below Telegram's own 4096, so that a message can be too long for Parley.
    config.put("parley.conversation.max-text-chars", MAX_TEXT);
    node = TestNode.start(TestNode.freshDataDir(), config, TestNode.withModel(model));
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, telegram);
  }

  private static long freshUser() {
    return TelegramWebhookFixture.freshId();
  }

  private static long freshGroup() {
    return -1_000_000_000_000L - TelegramWebhookFixture.freshId();
  }

  private static void assertOk(Reply reply) {
    assertEquals(200, reply.status(), reply.raw());
  }

  /** Group messages get 503 until getMe has answered; Telegram would retry, so do we. */
  private static void postGroup(JsonNode update) {
    node.awaitAssert(
        WAIT,
        () -> {
          assertOk(post(node, update));
          return null;
        });
  }

  private static List<String> awaitReplies(long chat, int count) {
    return node.awaitAssert(
        WAIT,
        () -> {
          List<String> texts = telegram.deliveredTexts(chat);
          assertEquals(count, texts.size(), texts.toString());
          return texts;
        });
  }

  private static JsonNode awaitDelivery(String key, String delivery) {
    return node.awaitAssert(
        WAIT,
        () -> {
          JsonNode turn = conversation(node, key).path("turns").path(0);
          assertEquals(delivery, turn.path("reply").path("delivery").asText(), turn.toString());
          return turn;
        });
  }

  @Test
  void wrongOrMissingSecretIs401AndNothingIsRecorded() {
    long user = freshUser();
    String body = update("private-text", user, "let me in").toString();
    Reply missing = node.send("POST", "/webhooks/telegram", body);
    Reply wrong =
        node.send("POST", "/webhooks/telegram", body, TelegramWebhookFixture.SECRET_HEADER, "nope");
    for (Reply reply : List.of(missing, wrong)) {
      assertEquals(401, reply.status(), reply.raw());
      assertEquals("unauthorized", reply.body().path("error").asText());
    }
    JsonNode view = conversation(node, "user:tg:" + user);
    assertTrue(view.path("turns").isEmpty(), view.toString());
    assertEquals(0, view.path("inbox").asInt());
    assertFalse(model.userTexts().contains("let me in"));
  }

  @Test
  void everyDeliveryIsCountedByOutcomeInTheMetrics() {
    long user = freshUser();
    ObjectNode text = update("private-text", user, "count me");
    Map<String, Long> before = WebhookCounts.of(node, "tg");
    assertOk(post(node, text));
    assertOk(post(node, text));
    assertOk(post(node, update("sticker", user, null)));
    assertOk(post(node, update("edited-message", user, "ignored by default")));
    assertEquals(
        401,
        node.send(
                "POST",
                "/webhooks/telegram",
                text.toString(),
                TelegramWebhookFixture.SECRET_HEADER,
                "wrong")
            .status());
    // Unreadable is ignored too (200): Telegram would retry a 4xx for a day.
    assertOk(
        node.send(
            "POST",
            "/webhooks/telegram",
            "{",
            TelegramWebhookFixture.SECRET_HEADER,
            TelegramWebhookFixture.SECRET));
    assertEquals(
        413,
        node.send(
                "POST",
                "/webhooks/telegram",
                "{\"update_id\": 1, \"x\": \"" + "a".repeat(300 * 1024) + "\"}",
                TelegramWebhookFixture.SECRET_HEADER,
                TelegramWebhookFixture.SECRET)
            .status());
    Map<String, Long> after = WebhookCounts.of(node, "tg");
    Map<String, Long> added =
        Map.of(
            "accepted", 1L,
            "duplicate", 1L,
            "rejected", 1L,
            "ignored", 2L,
            "unauthorized", 1L,
            "invalid", 1L);
    for (var outcome : added.entrySet()) {
      assertEquals(
          before.getOrDefault(outcome.getKey(), 0L) + outcome.getValue(),
          after.getOrDefault(outcome.getKey(), 0L),
          outcome.getKey() + " in " + after);
    }
  }

  @Test
  void theSameUpdateTwiceMakesOneTurnAndOneReply() {
    long user = freshUser();
    ObjectNode first = update("private-text", user, "once only");
    assertOk(post(node, first));
    assertOk(post(node, first));
    assertOk(post(node, update("private-text", user, "after")));
    assertEquals(List.of("echo: once only", "echo: after"), awaitReplies(user, 2));
    JsonNode view = conversation(node, "user:tg:" + user);
    assertEquals(2, view.path("turns").size(), view.toString());
    assertEquals(1, model.userTexts().stream().filter("once only"::equals).count());
  }

  @Test
  void aBurstOfThirtyInOneChatGetsThirtyRepliesInOrderAndPaced() {
    long user = freshUser();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // Telegram sends a chat's next update only once the last one is answered.
      assertOk(post(node, update("private-text", user, "burst " + i)));
      expected.add("echo: burst " + i);
    }
    assertEquals(expected, awaitReplies(user, 30));
    List<Call> sends =
        telegram.delivered().stream()
            .filter(c -> c.body().path("chat_id").asLong() == user)
            .toList();
    assertPaced(sends, 10.0, 3);
  }

  /** Any n consecutive sends span at least (n - burst) / rate, less a little clock jitter. */
  private static void assertPaced(List<Call> calls, double perSecond, int burst) {
    long slack = Duration.ofMillis(40).toNanos();
    for (int i = 0; i < calls.size(); i++) {
      for (int j = i + burst; j < calls.size(); j++) {
        long span = calls.get(j).at() - calls.get(i).at();
        long least = (long) ((j - i + 1 - burst) / perSecond * 1e9);
        assertTrue(
            span >= least - slack, "sends " + i + ".." + j + " in " + span / 1_000_000 + " ms");
      }
    }
  }

  @Test
  void aGroupMessageNotAddressedToTheBotStartsNoTurn() {
    long group = freshGroup();
    postGroup(update("group-not-addressed", group, null));
    ObjectNode mention = update("group-mention", group, null);
    postGroup(mention);
    List<String> replies = awaitReplies(group, 1);
    assertEquals("echo: @parley_test_bot what is a compiler?", replies.get(0));
    assertTrue(
        model.userTexts().stream().noneMatch(t -> t.contains("lunch")),
        model.userTexts().toString());
    JsonNode view = conversation(node, "group:tg:" + group);
    assertEquals(1, view.path("turns").size(), view.toString());
    JsonNode line = view.path("turns").path(0).path("user").path(0);
    assertEquals("Grace Hopper", line.path("sender").asText());
    Call sent =
        telegram.delivered().stream()
            .filter(c -> c.body().path("chat_id").asLong() == group)
            .findFirst()
            .orElseThrow();
    assertEquals(77, sent.body().path("reply_parameters").path("message_id").asLong());
  }

  @Test
  void aForumTopicIsItsOwnConversationAndTheReplyGoesToTheTopic() {
    long group = freshGroup();
    postGroup(update("forum-topic", group, null));
    awaitReplies(group, 1);
    Call sent =
        telegram.delivered().stream()
            .filter(c -> c.body().path("chat_id").asLong() == group)
            .findFirst()
            .orElseThrow();
    assertEquals(305, sent.body().path("message_thread_id").asLong());
    assertEquals(1, conversation(node, "group:tg:" + group + ":305").path("turns").size());
  }

  @Test
  void aReplyOver4096CharactersGoesOutAsSeveralMessagesInOrder() {
    long user = freshUser();
    assertOk(post(node, update("private-text", user, "long answer please")));
    List<String> parts = awaitReplies(user, 3);
    assertEquals(
        List.of(
            TelegramWebhookFixture.paragraph('A'),
            TelegramWebhookFixture.paragraph('B'),
            TelegramWebhookFixture.paragraph('C')),
        parts);
    JsonNode turn = awaitDelivery("user:tg:" + user, "delivered");
    assertEquals(3, turn.path("reply").path("channelMessageIds").size(), turn.toString());
  }

  @Test
  void retryAfterOf429IsRespected() {
    long user = freshUser();
    telegram.script("sendMessage", Answer.tooManyRequests(1));
    assertOk(post(node, update("private-text", user, "slowly")));
    awaitReplies(user, 1);
    List<Call> calls =
        telegram.calls("sendMessage").stream()
            .filter(c -> c.body().path("chat_id").asLong() == user)
            .toList();
    assertEquals(429, calls.get(0).status());
    assertTrue(calls.get(1).at() - calls.get(0).at() >= Duration.ofSeconds(1).toNanos());
  }

  @Test
  void aBlockedBotAbandonsTheReply() {
    long user = freshUser();
    telegram.script("sendMessage", Answer.forbidden());
    assertOk(post(node, update("private-text", user, "are you there?")));
    JsonNode turn = awaitDelivery("user:tg:" + user, "abandoned");
    assertTrue(turn.path("reply").path("note").asText().contains("403"), turn.toString());
  }

  @Test
  void aStickerGetsTheOnlyTextNoticeWithoutAModelCall() {
    long user = freshUser();
    int before = model.userTexts().size();
    assertOk(post(node, update("sticker", user, null)));
    assertEquals(List.of("I can only read text."), awaitReplies(user, 1));
    assertEquals(before, model.userTexts().size());
  }

  @Test
  void aTextOverTheLimitIsConsumedWithANoticeInsteadOfRetriedForADay() {
    long user = freshUser();
    int before = model.userTexts().size();
    ObjectNode update = update("private-text", user, "x".repeat(MAX_TEXT + 1));
    assertOk(post(node, update)); // 503 would make Telegram redeliver it, blocking the chat
    assertEquals(
        List.of("That message is too long for me. Please send it shorter."), awaitReplies(user, 1));
    assertOk(post(node, update)); // a redelivery is a duplicate
    assertEquals(before, model.userTexts().size());
    assertTrue(conversation(node, "user:tg:" + user).path("turns").isEmpty());
  }

  @Test
  void aButtonPressIsAnsweredAtOnceAndRecorded() {
    long user = freshUser();
    ObjectNode press = update("callback-query", user, null);
    assertOk(post(node, press));
    String id = press.path("callback_query").path("id").asText();
    node.awaitAssert(
        WAIT,
        () -> {
          assertTrue(
              telegram.calls("answerCallbackQuery").stream()
                  .anyMatch(c -> c.body().path("callback_query_id").asText().equals(id)));
          return null;
        });
    assertTrue(telegram.deliveredTexts(user).isEmpty());
  }

  @Test
  void membershipAndEditsAreAcknowledgedWithoutATurn() {
    long group = freshGroup();
    assertOk(post(node, update("my-chat-member", group, null)));
    long user = freshUser();
    assertOk(post(node, update("edited-message", user, "edited words")));
    assertOk(post(node, update("private-text", user, "fresh words")));
    assertEquals(List.of("echo: fresh words"), awaitReplies(user, 1));
    assertFalse(model.userTexts().contains("edited words"));
    assertTrue(conversation(node, "group:tg:" + group).path("turns").isEmpty());
    assertTrue(telegram.deliveredTexts(group).isEmpty());
  }

  @Test
  void registersNothingWithoutAWebhookUrlButLearnsWhoItIs() {
    node.awaitAssert(
        WAIT,
        () -> {
          assertFalse(telegram.calls("getMe").isEmpty());
          return null;
        });
    assertTrue(telegram.calls("setWebhook").isEmpty());
  }

  @Test
  void notAnUpdateIsIgnoredWith200() {
    Reply reply =
        node.send(
            "POST",
            "/webhooks/telegram",
            "{\"hello\": 1}",
            TelegramWebhookFixture.SECRET_HEADER,
            TelegramWebhookFixture.SECRET);
    assertOk(reply);
  }
}
