package dev.parley.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.parley.DoublesKit;
import dev.parley.channel.Allocations;
import dev.parley.channel.whatsapp.GraphApiDouble.Call;
import dev.parley.conversation.DeliveryResult;
import dev.parley.conversation.OutboundReply;
import dev.parley.conversation.ReplyAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the sender does to a reply's text, against the Graph API double: a reply past
 * max-reply-chars is cut and ends with the notice, the work of splitting is not done on the
 * caller's thread (the conversation's), and a lone surrogate goes out as U+FFFD.
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppReplySenderTextTest {
  private static final AtomicInteger USERS = new AtomicInteger(491520000);
  private static ActorTestKit kit;
  private static GraphApiDouble graph;
  private static WhatsAppReplySender sender;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("WhatsAppReplySenderTextTest");
    graph = GraphApiDouble.start(kit.system());
    WhatsAppSettings settings =
        WhatsAppSettings.from(
            ConfigFactory.parseMap(
                    Map.of(
                        "parley.whatsapp.app-secret", "secret",
                        "parley.whatsapp.verify-token", "verify",
                        "parley.whatsapp.access-token", "EAAG-token",
                        "parley.whatsapp.phone-number-id", GraphApiDouble.PHONE_NUMBER_ID,
                        "parley.whatsapp.api-url", graph.apiUrl()))
                .withFallback(ConfigFactory.load()));
    sender = WhatsAppReplySender.create(kit.system(), settings, new WhatsAppHealth());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, graph);
  }

  private static OutboundReply reply(String user, String text) {
    return new OutboundReply(
        "user:wa:" + user, "turn-1", text, new ReplyAddress(user, null, "wamid.USER-" + user));
  }

  @Test
  void aHugeReplyIsCutWithTheNoticeAndSplitOffTheCallersThread() throws Exception {
    // A first send loads the classes of the path, so that only this reply's work is measured.
    sender
        .send(reply(String.valueOf(USERS.incrementAndGet()), "warm-up"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    String user = String.valueOf(USERS.incrementAndGet());
    String text = "word ".repeat(80_000);
    AtomicReference<CompletionStage<DeliveryResult>> sending = new AtomicReference<>();
    long bytes = Allocations.during(() -> sending.set(sender.send(reply(user, text))));
    // Splitting 400k characters here allocates tens of megabytes; handing it on, a few objects.
    assertTrue(bytes < 1 << 20, bytes + " bytes allocated by the caller");
    assertInstanceOf(
        DeliveryResult.Delivered.class,
        sending.get().toCompletableFuture().get(20, TimeUnit.SECONDS));
    List<String> sent = graph.sendsTo(user).stream().map(Call::text).toList();
    String notice = "… (reply cut: too long)";
    String last = sent.get(sent.size() - 1);
    assertTrue(last.endsWith("\n\n" + notice), last.substring(Math.max(0, last.length() - 80)));
    int kept = sent.stream().mapToInt(String::length).sum() - notice.length() - 2;
    assertTrue(kept <= 65_536 && kept > 60_000, "kept " + kept);
    sent.forEach(part -> assertTrue(part.length() <= WhatsAppText.MAX_CHARS));
  }

  @Test
  void aLoneSurrogateGoesOutAsTheReplacementCharacter() throws Exception {
    String user = String.valueOf(USERS.incrementAndGet());
    assertInstanceOf(
        DeliveryResult.Delivered.class,
        sender
            .send(reply(user, "cut \uD83D here"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
    assertEquals("cut \uFFFD here", graph.sendsTo(user).get(0).text());
  }
}
