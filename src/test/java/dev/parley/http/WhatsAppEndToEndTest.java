package dev.parley.http;

import static dev.parley.channel.whatsapp.WhatsAppFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.channel.whatsapp.GraphApiDouble;
import dev.parley.channel.whatsapp.GraphApiDouble.Answer;
import dev.parley.channel.whatsapp.GraphApiDouble.Call;
import dev.parley.channel.whatsapp.WhatsAppFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WhatsApp end to end on a real node: signed real-format webhooks in, replies out to the Graph API
 * double, and what the chat API's GET shows: one turn per message however often Meta delivers it,
 * long replies in ordered parts, statuses merged monotonically in any order (also before the send
 * is recorded), 131047 abandoned, 130429 retried, non-text refused with a notice, and deliveries
 * with several messages.
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger USERS = new AtomicInteger(5200000);

  @RegisterExtension
  static final WhatsAppNode wa = WhatsAppNode.withOwnGraph("WhatsAppEndToEndDoubles", Map.of());

  private static final GraphApiDouble graph = wa.graph();

  private static String freshUser() {
    return "3161" + USERS.incrementAndGet();
  }

  private static String status(String user, String wamid, String status) {
    return WhatsAppFixtures.load("status_" + status + ".json")
        .replace(WhatsAppFixtures.USER, user)
        .replace(WhatsAppFixtures.STATUS_WAMID, wamid);
  }

  private static void deliverOk(String body) {
    var reply = wa.deliver(body);
    assertEquals(200, reply.status(), reply.raw());
  }

  /** Waits until the conversation's only (or last) turn's reply satisfies the check. */
  private static JsonNode awaitReply(String user, String delivery, String note) {
    return wa.node.awaitAssert(
        WAIT,
        () -> {
          JsonNode turns = wa.conversation(user).path("turns");
          assertTrue(turns.size() > 0, "no turn yet");
          JsonNode reply = turns.get(turns.size() - 1).path("reply");
          assertEquals(delivery, reply.path("delivery").asText(), reply.toString());
          if (note != null) {
            assertEquals(note, reply.path("note").asText(), reply.toString());
          }
          return reply;
        });
  }

  private static List<Call> awaitSends(String user, int count) {
    return wa.node.awaitAssert(
        WAIT,
        () -> {
          List<Call> sends = graph.sendsTo(user);
          assertEquals(count, sends.size());
          return sends;
        });
  }

  @Test
  void theSameMessageTwiceGivesOneTurnAndOneReply() {
    String user = freshUser();
    String wamid = "wamid.DUP-" + user;
    String body = text(user, wamid, "hello twice " + user);
    deliverOk(body);
    deliverOk(body);
    awaitReply(user, "delivered", null);
    deliverOk(body);
    JsonNode conversation = wa.conversation(user);
    assertEquals(1, conversation.path("turns").size());
    assertEquals(
        "wa:" + wamid, conversation.path("turns").get(0).path("messageIds").get(0).asText());
    assertEquals(
        "Sheena Nelson",
        conversation.path("turns").get(0).path("user").get(0).path("sender").asText());
    assertEquals(1, wa.model.userTexts().stream().filter(("hello twice " + user)::equals).count());
    List<Call> sends = awaitSends(user, 1);
    assertEquals("echo: hello twice " + user, sends.get(0).text());
    assertEquals(wamid, sends.get(0).contextId());
    // The turn marked the user's message read with a typing indicator (best effort, not awaited
    // by the reply, so it may arrive after it).
    wa.node.awaitAssert(
        WAIT,
        () -> {
          assertTrue(graph.readReceiptsFor(wamid).size() >= 1);
          return null;
        });
  }

  @Test
  void everyDeliveryIsCountedByOutcomeInTheMetrics() {
    String user = freshUser();
    Map<String, Long> before = WebhookCounts.of(wa.node, "wa");
    deliverOk(text(user, "wamid.COUNT-" + user, "count me"));
    assertEquals(401, wa.deliverSigned(text(user, "wamid.X-" + user, "forged"), null).status());
    // Only a body that is not a JSON object is invalid; unusable items inside one are ignored.
    assertEquals(400, wa.deliver("{\"object\": \"whatsapp_business_account\", \"entry\"").status());
    Map<String, Long> after = WebhookCounts.of(wa.node, "wa");
    for (String outcome : List.of("accepted", "unauthorized", "invalid")) {
      assertEquals(
          before.getOrDefault(outcome, 0L) + 1,
          after.getOrDefault(outcome, 0L),
          outcome + " in " + after);
    }
  }

  @Test
  void aReplyOver4096CharactersGoesOutInOrderedPartsWithContextOnTheFirst() {
    String user = freshUser();
    String wamid = "wamid.LONG-" + user;
    deliverOk(text(user, wamid, "long answer please"));
    JsonNode reply = awaitReply(user, "delivered", null);
    List<Call> sends = awaitSends(user, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(WhatsAppNode.LONG_PARAGRAPHS.get(i), sends.get(i).text());
      assertTrue(sends.get(i).text().length() <= 4096);
    }
    assertEquals(wamid, sends.get(0).contextId());
    assertEquals(null, sends.get(1).contextId());
    assertEquals(null, sends.get(2).contextId());
    assertEquals(3, reply.path("channelMessageIds").size());
  }

  @Test
  void statusesBeforeTheSendIsRecordedAndInAnyOrderEndAtTheHighest() {
    String user = freshUser();
    String ours = "wamid.HELD-" + user;
    CompletableFuture<Answer> held = graph.enqueueDeferred(user);
    deliverOk(text(user, "wamid.Q-" + user, "hold my reply"));
    awaitSends(user, 1);
    // The send is in flight: Meta already reports read, delivered and sent for it.
    deliverOk(status(user, ours, "read"));
    deliverOk(status(user, ours, "delivered"));
    deliverOk(status(user, ours, "sent"));
    assertEquals(
        "pending",
        wa.conversation(user).path("turns").get(0).path("reply").path("delivery").asText());
    held.complete(Answer.sent(ours));
    awaitReply(user, "delivered", "read");
    deliverOk(status(user, ours, "sent"));
    deliverOk(status(user, ours, "failed"));
    deliverOk(status(user, ours, "delivered"));
    JsonNode reply = awaitReply(user, "delivered", "read");
    assertEquals(ours, reply.path("channelMessageIds").get(0).asText());
  }

  @Test
  void statusesAfterTheSendOnlyMoveForwardAndFailedCountsOnlyBeforeDelivery() {
    String user = freshUser();
    deliverOk(text(user, "wamid.S-" + user, "status order"));
    String ours = awaitReply(user, "delivered", null).path("channelMessageIds").get(0).asText();
    deliverOk(status(user, ours, "sent"));
    awaitReply(user, "delivered", "sent");
    deliverOk(status(user, ours, "failed"));
    awaitReply(user, "delivered", "failed");
    deliverOk(status(user, ours, "delivered"));
    awaitReply(user, "delivered", "delivered");
    deliverOk(status(user, ours, "sent"));
    deliverOk(status(user, ours, "failed"));
    awaitReply(user, "delivered", "delivered");
    deliverOk(status(user, ours, "read"));
    awaitReply(user, "delivered", "read");
  }

  @Test
  void outsideThe24HourWindowTheReplyIsAbandoned() {
    String user = freshUser();
    graph.enqueue(user, Answer.error(400, 131047, "Re-engagement message"));
    deliverOk(text(user, "wamid.W-" + user, "too late"));
    awaitReply(user, "abandoned", "outside the 24-hour window");
    assertEquals(1, graph.sendsTo(user).size());
  }

  @Test
  void throughputLimitThenSuccessIsDelivered() {
    String user = freshUser();
    graph.enqueue(user, Answer.error(400, 130429, "Rate limit hit"));
    graph.enqueue(user, Answer.sent("wamid.AFTER-LIMIT-" + user));
    deliverOk(text(user, "wamid.R-" + user, "busy number"));
    JsonNode reply = awaitReply(user, "delivered", null);
    assertEquals("wamid.AFTER-LIMIT-" + user, reply.path("channelMessageIds").get(0).asText());
    assertEquals(2, graph.sendsTo(user).size());
  }

  @Test
  void anImageGetsTheOnlyTextNoticeAndNoTurn() {
    String user = freshUser();
    String wamid = "wamid.IMG-" + user;
    deliverOk(
        WhatsAppFixtures.load("image.json")
            .replace(WhatsAppFixtures.USER, user)
            .replace(WhatsAppFixtures.IMAGE_WAMID, wamid));
    List<Call> sends = awaitSends(user, 1);
    assertEquals("I can only read text.", sends.get(0).text());
    assertEquals(wamid, sends.get(0).contextId());
    assertEquals(0, wa.conversation(user).path("turns").size());
  }

  @Test
  void aDeliveryWithSeveralEntriesChangesAndMessagesIsAllRecordedAndAnswered() {
    String first = freshUser();
    String second = freshUser();
    String body =
        WhatsAppFixtures.load("several.json")
            .replace(WhatsAppFixtures.USER, first)
            .replace(WhatsAppFixtures.OTHER_USER, second);
    var reply = wa.deliver(body);
    assertEquals(200, reply.status(), reply.raw());
    assertEquals(5, reply.body().path("parts").asInt());
    wa.node.awaitAssert(
        WAIT,
        () -> {
          List<String> ids = new ArrayList<>();
          wa.conversation(first)
              .path("turns")
              .forEach(t -> t.path("messageIds").forEach(id -> ids.add(id.asText())));
          assertEquals(2, ids.size(), ids.toString());
          assertTrue(ids.get(0).endsWith("MDFBAA=="), ids.toString());
          assertTrue(ids.get(1).endsWith("MDJCAA=="), ids.toString());
          assertTrue(graph.sendsTo(first).size() >= 1);
          return null;
        });
    // The sticker's notice is queued at once; the text's reply when its turn ends: either
    // order is right.
    List<Call> toSecond = awaitSends(second, 2);
    assertEquals(
        java.util.Set.of("echo: Hallo, habt ihr geöffnet?", "I can only read text."),
        java.util.Set.of(toSecond.get(0).text(), toSecond.get(1).text()));
    // Delivered again, as Meta does: nothing new happens.
    assertEquals(200, wa.deliver(body).status());
    assertEquals(
        1, wa.model.userTexts().stream().filter("Hallo, habt ihr geöffnet?"::equals).count());
  }
}
