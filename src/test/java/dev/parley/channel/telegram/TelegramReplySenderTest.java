package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.channel.telegram.TelegramBotApiDouble.Answer;
import dev.parley.channel.telegram.TelegramBotApiDouble.Call;
import dev.parley.conversation.DeliveryResult;
import dev.parley.conversation.OutboundReply;
import dev.parley.conversation.ReplyAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reply sender against the Bot API double over real HTTP: parts in order, reply-to on the first
 * part in groups, 429 retry_after obeyed, 5xx retried then given back, 403 and "chat not found"
 * abandoned, the plain-text fallback, pacing under a burst, and typing as best effort.
 */
@ExtendWith(LogCapturingExtension.class)
class TelegramReplySenderTest {
  private static final String TOKEN = "123456:TEST-token";
  private static final AtomicLong CHATS = new AtomicLong(500);
  private static SenderFixture fixture;
  private static ActorTestKit kit;
  private static TelegramBotApiDouble telegram;
  private static TelegramSettings settings;
  private static TelegramReplySender sender;

  @BeforeAll
  static void start() {
    fixture =
        new SenderFixture(
            "TelegramReplySenderTest",
            TOKEN,
            Map.of(
                "parley.telegram.send.max-attempts",
                3,
                "parley.telegram.send.retry-min",
                "50ms",
                "parley.telegram.pacing.chat-per-second",
                5.0,
                "parley.telegram.pacing.chat-burst",
                2,
                "parley.telegram.max-message-chars",
                100));
    kit = fixture.kit;
    telegram = fixture.telegram;
    settings = fixture.settings;
    sender = fixture.sender;
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static long freshChat() {
    return CHATS.incrementAndGet();
  }

  private static OutboundReply reply(long chat, String text, String replyTo) {
    return new OutboundReply(
        "user:tg:" + chat,
        "r-" + chat + "-" + text.hashCode(),
        text,
        new ReplyAddress(String.valueOf(chat), null, replyTo));
  }

  private static DeliveryResult send(OutboundReply reply) throws Exception {
    return sender.send(reply).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static List<Call> sendsTo(long chat) {
    List<Call> out = new ArrayList<>();
    for (Call call : telegram.calls("sendMessage")) {
      if (call.body().path("chat_id").asLong() == chat) {
        out.add(call);
      }
    }
    return out;
  }

  @Test
  void longReplyGoesOutInPartsInOrderAndOnlyTheFirstRepliesToTheUser() throws Exception {
    long chat = -freshChat();
    String text = "first paragraph **one**\n\nsecond paragraph " + "x".repeat(80) + "\n\nthird";
    var delivered = assertInstanceOf(DeliveryResult.Delivered.class, send(reply(chat, text, "77")));
    List<Call> calls = sendsTo(chat);
    assertEquals(3, calls.size());
    assertEquals(3, delivered.channelMessageIds().size());
    assertEquals("first paragraph <b>one</b>", calls.get(0).body().path("text").asText());
    assertEquals("HTML", calls.get(0).body().path("parse_mode").asText());
    assertEquals(77, calls.get(0).body().path("reply_parameters").path("message_id").asLong());
    assertTrue(calls.get(1).body().path("reply_parameters").isMissingNode());
    assertEquals("third", calls.get(2).body().path("text").asText());
  }

  @Test
  void retryAfterIsWaitedInFull() throws Exception {
    long chat = freshChat();
    telegram.script("sendMessage", Answer.tooManyRequests(1));
    assertInstanceOf(DeliveryResult.Delivered.class, send(reply(chat, "hello", null)));
    List<Call> calls = sendsTo(chat);
    assertEquals(List.of(429, 200), calls.stream().map(Call::status).toList());
    long waited = calls.get(1).at() - calls.get(0).at();
    assertTrue(
        waited >= Duration.ofSeconds(1).toNanos(), "retried after " + waited / 1_000_000 + " ms");
  }

  @Test
  void serverErrorsAreRetriedThenTheStageFailsForTheConversationToRetry() throws Exception {
    long chat = freshChat();
    telegram.standing("sendMessage", Answer.serverError());
    try {
      CompletableFuture<DeliveryResult> result =
          sender.send(reply(chat, "hi", null)).toCompletableFuture();
      assertThrows(ExecutionException.class, () -> result.get(20, TimeUnit.SECONDS));
    } finally {
      telegram.clearStanding("sendMessage");
    }
    assertEquals(3, sendsTo(chat).size());
    // Given back to the conversation, which sends it again later: now it goes through.
    assertInstanceOf(DeliveryResult.Delivered.class, send(reply(chat, "hi", null)));
  }

  @Test
  void aRetriedReplyDoesNotResendPartsAlreadySent() throws Exception {
    long chat = freshChat();
    String text = "a".repeat(90) + "\n\n" + "b".repeat(90);
    telegram.script(
        "sendMessage",
        new Answer(200, "{\"ok\":true,\"result\":{\"message_id\":5}}"),
        Answer.serverError(),
        Answer.serverError(),
        Answer.serverError());
    OutboundReply reply = reply(chat, text, null);
    assertThrows(
        ExecutionException.class,
        () -> sender.send(reply).toCompletableFuture().get(20, TimeUnit.SECONDS));
    var delivered = assertInstanceOf(DeliveryResult.Delivered.class, send(reply));
    assertEquals("5", delivered.channelMessageIds().get(0));
    assertEquals(1, telegram.deliveredTexts(chat).stream().filter(t -> t.startsWith("a")).count());
    assertEquals(1, telegram.deliveredTexts(chat).stream().filter(t -> t.startsWith("b")).count());
  }

  @Test
  void partsAlreadySentAreRememberedPerConversationNotPerReplyId() throws Exception {
    // "turn-1" exists in every conversation: a half-sent reply of one chat must not count as
    // sent for another chat's reply of the same id.
    long first = freshChat();
    long second = freshChat();
    telegram.script(
        "sendMessage",
        new Answer(200, "{\"ok\":true,\"result\":{\"message_id\":7}}"),
        Answer.serverError(),
        Answer.serverError(),
        Answer.serverError());
    OutboundReply half =
        new OutboundReply(
            "user:tg:" + first,
            "turn-1",
            "a".repeat(90) + "\n\n" + "b".repeat(90),
            new ReplyAddress(String.valueOf(first), null, null));
    assertThrows(
        ExecutionException.class,
        () -> sender.send(half).toCompletableFuture().get(20, TimeUnit.SECONDS));
    OutboundReply other =
        new OutboundReply(
            "user:tg:" + second,
            "turn-1",
            "hello",
            new ReplyAddress(String.valueOf(second), null, null));
    assertInstanceOf(DeliveryResult.Delivered.class, send(other));
    assertEquals(List.of("hello"), telegram.deliveredTexts(second));
    // The first chat's retry still resumes after its part already sent.
    assertInstanceOf(DeliveryResult.Delivered.class, send(half));
    assertEquals(1, telegram.deliveredTexts(first).stream().filter(t -> t.startsWith("a")).count());
  }

  @Test
  void aReplyOfALaterIncarnationIsSentWholeThoughOneOfItsIdWasHalfSent() throws Exception {
    // An erased conversation numbers its replies from "turn-1" again: the erased reply's sent
    // parts must not count for the new reply.
    long chat = freshChat();
    String key = "user:tg:" + chat;
    ReplyAddress address = new ReplyAddress(String.valueOf(chat), null, null);
    telegram.script(
        "sendMessage",
        new Answer(200, "{\"ok\":true,\"result\":{\"message_id\":8}}"),
        Answer.serverError(),
        Answer.serverError(),
        Answer.serverError());
    OutboundReply erased =
        new OutboundReply(
            key, "turn-1", "a".repeat(90) + "\n\n" + "b".repeat(90), address, List.of(), "one");
    assertThrows(
        ExecutionException.class,
        () -> sender.send(erased).toCompletableFuture().get(20, TimeUnit.SECONDS));
    OutboundReply fresh =
        new OutboundReply(
            key, "turn-1", "c".repeat(90) + "\n\n" + "d".repeat(90), address, List.of(), "two");
    var delivered = assertInstanceOf(DeliveryResult.Delivered.class, send(fresh));
    assertEquals(2, delivered.channelMessageIds().size());
    assertFalse(delivered.channelMessageIds().contains("8"), delivered.toString());
    assertEquals(
        List.of("a".repeat(90), "c".repeat(90), "d".repeat(90)), telegram.deliveredTexts(chat));
  }

  @Test
  void blockedBotAbandonsTheReply() throws Exception {
    long chat = freshChat();
    telegram.script("sendMessage", Answer.forbidden());
    var abandoned = assertInstanceOf(DeliveryResult.Abandoned.class, send(reply(chat, "hi", null)));
    assertTrue(abandoned.reason().contains("403"), abandoned.reason());
    assertEquals(1, sendsTo(chat).size());
  }

  @Test
  void chatNotFoundAbandonsTheReply() throws Exception {
    long chat = freshChat();
    telegram.script("sendMessage", Answer.chatNotFound());
    var abandoned = assertInstanceOf(DeliveryResult.Abandoned.class, send(reply(chat, "hi", null)));
    assertTrue(abandoned.reason().contains("chat not found"), abandoned.reason());
  }

  @Test
  void rejectedEntitiesAreResentAsPlainText() throws Exception {
    long chat = freshChat();
    telegram.script("sendMessage", Answer.cantParseEntities());
    assertInstanceOf(DeliveryResult.Delivered.class, send(reply(chat, "**bold** & co", null)));
    List<Call> calls = sendsTo(chat);
    assertEquals(2, calls.size());
    assertEquals("<b>bold</b> &amp; co", calls.get(0).body().path("text").asText());
    assertEquals("bold & co", calls.get(1).body().path("text").asText());
    assertFalse(calls.get(1).body().has("parse_mode"));
  }

  @Test
  void aBurstToOneChatIsPacedByItsBucket() throws Exception {
    long chat = freshChat();
    List<CompletableFuture<DeliveryResult>> sends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sends.add(sender.send(reply(chat, "burst " + i, null)).toCompletableFuture());
    }
    for (CompletableFuture<DeliveryResult> s : sends) {
      assertInstanceOf(DeliveryResult.Delivered.class, s.get(20, TimeUnit.SECONDS));
    }
    assertPaced(sendsTo(chat), 5.0, 2);
  }

  /** Any n consecutive sends span at least (n - burst) / rate, less a little clock jitter. */
  static void assertPaced(List<Call> calls, double perSecond, int burst) {
    long slack = Duration.ofMillis(40).toNanos();
    for (int i = 0; i < calls.size(); i++) {
      for (int j = i + burst; j < calls.size(); j++) {
        long span = calls.get(j).at() - calls.get(i).at();
        long least = (long) ((j - i + 1 - burst) / perSecond * 1e9);
        assertTrue(
            span >= least - slack,
            "sends "
                + i
                + ".."
                + j
                + " within "
                + span / 1_000_000
                + " ms, bucket allows "
                + least / 1_000_000);
      }
    }
  }

  @Test
  void typingIsBestEffort() {
    long chat = freshChat();
    telegram.script("sendChatAction", Answer.serverError());
    sender.typing("user:tg:" + chat, new ReplyAddress(String.valueOf(chat), "9", null));
    sender.typing("user:tg:" + chat, new ReplyAddress(String.valueOf(chat), null, null));
    kit.createTestProbe()
        .awaitAssert(
            () -> {
              List<Call> actions =
                  telegram.calls("sendChatAction").stream()
                      .filter(c -> c.body().path("chat_id").asLong() == chat)
                      .toList();
              assertEquals(2, actions.size());
              assertEquals("typing", actions.get(0).body().path("action").asText());
              return null;
            });
  }
}
