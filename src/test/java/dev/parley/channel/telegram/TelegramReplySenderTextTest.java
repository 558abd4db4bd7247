package dev.parley.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.channel.Allocations;
import dev.parley.conversation.DeliveryResult;
import dev.parley.conversation.OutboundReply;
import dev.parley.conversation.ReplyAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the sender does to a reply's text, against the Bot API double with the default limits: a
 * reply past max-reply-chars is cut and ends with the notice, splitting is not done on the caller's
 * thread (the conversation's), and a lone surrogate goes out as U+FFFD.
 */
@ExtendWith(LogCapturingExtension.class)
class TelegramReplySenderTextTest {
  private static final String TOKEN = "123456:TEXT-token";
  private static final AtomicLong CHATS = new AtomicLong(900);
  private static SenderFixture fixture;
  private static TelegramBotApiDouble telegram;
  private static TelegramReplySender sender;

  @BeforeAll
  static void start() {
    fixture =
        new SenderFixture(
            "TelegramReplySenderTextTest",
            TOKEN,
            Map.of(
                "parley.telegram.pacing.chat-per-second",
                100.0,
                "parley.telegram.pacing.chat-burst",
                20));
    telegram = fixture.telegram;
    sender = fixture.sender;
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static OutboundReply reply(long chat, String text) {
    return new OutboundReply(
        "user:tg:" + chat, "turn-1", text, new ReplyAddress(String.valueOf(chat), null, null));
  }

  @Test
  void aHugeReplyIsCutWithTheNoticeAndSplitOffTheCallersThread() throws Exception {
    // A first send loads the classes of the path, so that only this reply's work is measured.
    sender
        .send(reply(CHATS.incrementAndGet(), "warm-up"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    long chat = CHATS.incrementAndGet();
    String text = ("word ".repeat(100) + "\n\n").repeat(800);
    AtomicReference<CompletionStage<DeliveryResult>> sending = new AtomicReference<>();
    long bytes = Allocations.during(() -> sending.set(sender.send(reply(chat, text))));
    // Splitting 400k characters here allocates tens of megabytes; handing it on, a few objects.
    assertTrue(bytes < 1 << 20, bytes + " bytes allocated by the caller");
    assertInstanceOf(
        DeliveryResult.Delivered.class,
        sending.get().toCompletableFuture().get(30, TimeUnit.SECONDS));
    List<String> sent = telegram.deliveredTexts(chat);
    String notice = "… (reply cut: too long)";
    String last = sent.get(sent.size() - 1);
    assertTrue(last.endsWith(notice), last.substring(Math.max(0, last.length() - 80)));
    int shown = sent.stream().mapToInt(String::length).sum();
    assertTrue(shown <= 65_536 + notice.length() + 2 && shown > 60_000, "shown " + shown);
    sent.forEach(part -> assertTrue(part.length() <= 4096));
  }

  @Test
  void aLoneSurrogateGoesOutAsTheReplacementCharacter() throws Exception {
    long chat = CHATS.incrementAndGet();
    assertInstanceOf(
        DeliveryResult.Delivered.class,
        sender
            .send(reply(chat, "cut \uD83D here"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
    assertEquals(List.of("cut \uFFFD here"), telegram.deliveredTexts(chat));
  }
}
