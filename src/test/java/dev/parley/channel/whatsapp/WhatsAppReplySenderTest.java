package dev.parley.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.parley.DoublesKit;
import dev.parley.channel.whatsapp.GraphApiDouble.Answer;
import dev.parley.channel.whatsapp.GraphApiDouble.Call;
import dev.parley.conversation.DeliveryResult;
import dev.parley.conversation.OutboundReply;
import dev.parley.conversation.ReplyAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sender against the Graph API double over real HTTP: what it posts, how each error code ends
 * (retry, abandon, alert), resuming a reply after a failed part, pacing, and the typing indicator.
 */
@ExtendWith(LogCapturingExtension.class)
class WhatsAppReplySenderTest {
  private static final String TOKEN = "EAAG-access-token-for-tests";
  private static final AtomicInteger USERS = new AtomicInteger(491510000);
  private static ActorTestKit kit;
  private static GraphApiDouble graph;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("WhatsAppReplySenderTest");
    graph = GraphApiDouble.start(kit.system());
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, graph);
  }

  private static WhatsAppSettings settings(Map<String, Object> more) {
    Map<String, Object> all = new HashMap<>();
    all.put("parley.whatsapp.app-secret", "secret");
    all.put("parley.whatsapp.verify-token", "verify");
    all.put("parley.whatsapp.access-token", TOKEN);
    all.put("parley.whatsapp.phone-number-id", GraphApiDouble.PHONE_NUMBER_ID);
    all.put("parley.whatsapp.api-url", graph.apiUrl());
    all.put("parley.whatsapp.retry-min", "20ms");
    all.put("parley.whatsapp.retry-max", "100ms");
    all.put("parley.whatsapp.max-retries", 3);
    all.putAll(more);
    return WhatsAppSettings.from(ConfigFactory.parseMap(all).withFallback(ConfigFactory.load()));
  }

  private static WhatsAppReplySender sender() {
    return sender(Map.of());
  }

  private static WhatsAppReplySender sender(Map<String, Object> more) {
    return WhatsAppReplySender.create(kit.system(), settings(more), new WhatsAppHealth());
  }

  private static String freshUser() {
    return String.valueOf(USERS.incrementAndGet());
  }

  private static OutboundReply reply(String user, String text) {
    return new OutboundReply(
        "user:wa:" + user, "turn-1", text, new ReplyAddress(user, null, "wamid.USER-" + user));
  }

  private static DeliveryResult result(CompletionStage<DeliveryResult> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void longReplyGoesOutInOrderRepliesWithTheFirstPartAndCarriesTheToken() throws Exception {
    String user = freshUser();
    String text = "a".repeat(3000) + "\n\n" + "b".repeat(3000) + "\n\n" + "c".repeat(100);
    graph.enqueue(user, Answer.sent("wamid.P1")).enqueue(user, Answer.sent("wamid.P2"));
    DeliveryResult result = result(sender().send(reply(user, text)));
    // The last two paragraphs fit together in the second part.
    assertEquals(new DeliveryResult.Delivered(List.of("wamid.P1", "wamid.P2")), result);
    List<Call> sends = graph.sendsTo(user);
    assertEquals(2, sends.size());
    assertEquals("a".repeat(3000), sends.get(0).text());
    assertEquals("b".repeat(3000) + "\n\n" + "c".repeat(100), sends.get(1).text());
    assertEquals("wamid.USER-" + user, sends.get(0).contextId());
    assertEquals(null, sends.get(1).contextId());
    sends.forEach(c -> assertEquals("Bearer " + TOKEN, c.authorization()));
    assertEquals(
        "/" + GraphApiDouble.VERSION + "/" + GraphApiDouble.PHONE_NUMBER_ID + "/messages",
        sends.get(0).path());
  }

  @Test
  void aReplyWithButtonsEndsInAnInteractiveMessage() throws Exception {
    String user = freshUser();
    graph.enqueue(user, Answer.sent("wamid.Q1"));
    OutboundReply question =
        new OutboundReply(
            "user:wa:" + user,
            "confirm-t1r1",
            "May I run calculator?",
            new ReplyAddress(user, null, "wamid.USER-" + user),
            List.of(
                new dev.parley.conversation.ReplyButton("c:t1r1:y", "Yes"),
                new dev.parley.conversation.ReplyButton("c:t1r1:n", "No")));
    assertEquals(
        new DeliveryResult.Delivered(List.of("wamid.Q1")), result(sender().send(question)));
    JsonNode body = graph.sendsTo(user).get(0).body();
    assertEquals("interactive", body.path("type").asText(), body.toString());
    JsonNode buttons = body.path("interactive").path("action").path("buttons");
    assertEquals("c:t1r1:y", buttons.path(0).path("reply").path("id").asText(), body.toString());
    assertEquals("No", buttons.path(1).path("reply").path("title").asText(), body.toString());
  }

  @Test
  void throughputLimitIsRetriedUntilSent() throws Exception {
    String user = freshUser();
    graph.enqueue(user, Answer.error(400, 130429, "Rate limit hit"));
    graph.enqueue(user, Answer.error(429, 130429, "Rate limit hit"));
    graph.enqueue(user, Answer.sent("wamid.OK"));
    assertEquals(
        new DeliveryResult.Delivered(List.of("wamid.OK")),
        result(sender().send(reply(user, "hi"))));
    assertEquals(3, graph.sendsTo(user).size());
  }

  @Test
  void serverErrorsAreRetriedUntilSent() throws Exception {
    String user = freshUser();
    graph.enqueue(user, new Answer(502, "<html>Bad gateway</html>"));
    graph.enqueue(user, Answer.error(500, 131000, "Something went wrong"));
    graph.enqueue(user, Answer.sent("wamid.OK"));
    assertEquals(
        new DeliveryResult.Delivered(List.of("wamid.OK")),
        result(sender().send(reply(user, "hi"))));
  }

  @Test
  void pairRateLimitPastTheRetriesFailsSoTheConversationTriesLater() {
    String user = freshUser();
    for (int i = 0; i < 4; i++) {
      graph.enqueue(user, Answer.error(400, 131056, "Pair rate limit hit"));
    }
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> result(sender().send(reply(user, "hi"))));
    assertTrue(e.getCause().getMessage().contains("131056"), e.getCause().getMessage());
    assertEquals(4, graph.sendsTo(user).size());
  }

  @Test
  void outsideThe24HourWindowIsAbandoned() throws Exception {
    String user = freshUser();
    graph.enqueue(user, Answer.error(400, 131047, "Re-engagement message"));
    assertEquals(
        new DeliveryResult.Abandoned("outside the 24-hour window"),
        result(sender().send(reply(user, "hi"))));
    assertEquals(1, graph.sendsTo(user).size());
  }

  @Test
  void otherClientErrorsAreAbandonedWithTheirTitle() throws Exception {
    String user = freshUser();
    graph.enqueue(user, Answer.error(400, 131030, "Recipient phone number not in allowed list"));
    assertEquals(
        new DeliveryResult.Abandoned(
            "Recipient phone number not in allowed list (Graph API error 131030)"),
        result(sender().send(reply(user, "hi"))));
  }

  @Test
  void badTokenRaisesAnAlertWithoutTheTokenAndFailsForALaterRetry() throws Exception {
    String user = freshUser();
    WhatsAppReplySender sender = sender();
    graph.enqueue(user, Answer.error(401, 190, "Error validating access token"));
    CompletableFuture<DeliveryResult> sent =
        LoggingTestKit.error("access token is invalid or expired")
            .withCustom(event -> !event.message().contains(TOKEN))
            .expect(kit.system(), () -> sender.send(reply(user, "hi")).toCompletableFuture());
    assertThrows(ExecutionException.class, () -> sent.get(10, TimeUnit.SECONDS));
    assertFalse(sender.health().healthy());
    assertEquals("whatsapp-token", sender.health().lastAlert().orElseThrow().code());
    assertEquals(
        new DeliveryResult.Delivered(List.of("wamid.DOUBLE")).getClass(),
        result(sender.send(reply(user, "hi"))).getClass());
    assertTrue(sender.health().healthy());
    assertTrue(sender.health().lastAlert().isPresent());
  }

  @Test
  void aRetriedReplyResumesAfterThePartsAlreadySent() throws Exception {
    String user = freshUser();
    WhatsAppReplySender sender = sender();
    String text = "a".repeat(4000) + "\n\n" + "b".repeat(100);
    graph.enqueue(user, Answer.sent("wamid.FIRST"));
    for (int i = 0; i < 4; i++) {
      graph.enqueue(user, Answer.error(503, 131016, "Service unavailable"));
    }
    assertThrows(ExecutionException.class, () -> result(sender.send(reply(user, text))));
    graph.enqueue(user, Answer.sent("wamid.SECOND"));
    assertEquals(
        new DeliveryResult.Delivered(List.of("wamid.FIRST", "wamid.SECOND")),
        result(sender.send(reply(user, text))));
    List<Call> sends = graph.sendsTo(user);
    assertEquals(1, sends.stream().filter(c -> c.text().startsWith("a")).count());
  }

  @Test
  void aReplyOfALaterIncarnationIsSentWholeThoughOneOfItsIdWasHalfSent() throws Exception {
    // An erased conversation numbers its replies from "turn-1" again: the erased reply's sent
    // parts must not count for the new reply.
    String user = freshUser();
    WhatsAppReplySender sender = sender();
    ReplyAddress address = new ReplyAddress(user, null, "wamid.USER-" + user);
    graph.enqueue(user, Answer.sent("wamid.ERASED"));
    for (int i = 0; i < 4; i++) {
      graph.enqueue(user, Answer.error(503, 131016, "Service unavailable"));
    }
    OutboundReply erased =
        new OutboundReply(
            "user:wa:" + user,
            "turn-1",
            "a".repeat(4000) + "\n\n" + "b".repeat(100),
            address,
            List.of(),
            "one");
    assertThrows(ExecutionException.class, () -> result(sender.send(erased)));
    graph.enqueue(user, Answer.sent("wamid.C")).enqueue(user, Answer.sent("wamid.D"));
    OutboundReply fresh =
        new OutboundReply(
            "user:wa:" + user,
            "turn-1",
            "c".repeat(4000) + "\n\n" + "d".repeat(100),
            address,
            List.of(),
            "two");
    assertEquals(
        new DeliveryResult.Delivered(List.of("wamid.C", "wamid.D")), result(sender.send(fresh)));
    List<Call> sends = graph.sendsTo(user);
    assertEquals(1, sends.stream().filter(c -> c.text().startsWith("c")).count());
    assertEquals("wamid.USER-" + user, sends.get(sends.size() - 2).contextId());
  }

  @Test
  void sendsArePacedPerNumberWithoutBlocking() throws Exception {
    // Another sender (its own bucket) warms the shared connection pool: a first connection's
    // set-up would otherwise delay the first arrival below and shrink its gap to the second.
    sender().send(reply(freshUser(), "warm-up")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    WhatsAppReplySender sender =
        sender(Map.of("parley.whatsapp.messages-per-second", 5, "parley.whatsapp.burst", 1));
    List<String> users = List.of(freshUser(), freshUser(), freshUser(), freshUser(), freshUser());
    long before = System.nanoTime();
    List<CompletableFuture<DeliveryResult>> all =
        users.stream().map(u -> sender.send(reply(u, "hi")).toCompletableFuture()).toList();
    // Handing out five sends paced over 800 ms returned well before: nobody waited on the bucket.
    assertTrue(System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(600));
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    List<Long> times = users.stream().map(u -> graph.sendsTo(u).get(0).atNanos()).sorted().toList();
    // Measured from the first arrival, so that one slow connection set-up cannot shrink a gap;
    // 50 ms of slack for the scheduler's tick and the double's clock.
    for (int i = 1; i < times.size(); i++) {
      long since = times.get(i) - times.get(0);
      assertTrue(
          since >= TimeUnit.MILLISECONDS.toNanos(i * 200L - 50),
          "send " + i + " only " + Duration.ofNanos(since) + " after the first");
    }
  }

  @Test
  void typingMarksTheUsersMessageReadWithAnIndicatorAtMostOncePerInterval() {
    String user = freshUser();
    WhatsAppReplySender sender = sender();
    ReplyAddress first = new ReplyAddress(user, null, "wamid.TYPING-1-" + user);
    ReplyAddress second = new ReplyAddress(user, null, "wamid.TYPING-2-" + user);
    sender.typing("user:wa:" + user, first);
    sender.typing("user:wa:" + user, first);
    sender.typing("user:wa:" + user, second);
    // Both receipts go out at once on different connections: either may arrive first.
    kit.createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertEquals(1, graph.readReceiptsFor(second.replyToMessageId()).size());
              assertEquals(1, graph.readReceiptsFor(first.replyToMessageId()).size());
              return null;
            });
    List<Call> firstReceipts = graph.readReceiptsFor(first.replyToMessageId());
    assertEquals(1, firstReceipts.size());
    Call receipt = firstReceipts.get(0);
    assertEquals("text", receipt.body().path("typing_indicator").path("type").asText());
    assertEquals("Bearer " + TOKEN, receipt.authorization());
  }
}
