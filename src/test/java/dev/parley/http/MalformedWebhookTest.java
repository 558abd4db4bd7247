package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.TestNode.Reply;
import dev.parley.channel.whatsapp.WhatsAppFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Authenticated deliveries that are broken in the ways senders (or anyone holding the secret) break
 * them: none gets a 5xx or hangs. Telegram gets 200 for anything it cannot use (a 4xx or 5xx would
 * hold the chat's later updates behind it for a day); WhatsApp skips unusable items of a JSON
 * payload and keeps 400 for a body that is not a JSON object.
 */
@ExtendWith(LogCapturingExtension.class)
class MalformedWebhookTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicLong IDS = new AtomicLong(500_000_000L);
  private static BothChannelsNode both;

  @BeforeAll
  static void start() {
    both = BothChannelsNode.start(Map.of());
    both.awaitBotIdentity();
  }

  @AfterAll
  static void stop() {
    if (both != null) {
      both.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long fresh() {
    return IDS.incrementAndGet();
  }

  /** A group message of a fresh update and chat, with {@code rest} after its text. */
  private static String groupMessage(long chat, String text, String rest) {
    return "{\"update_id\": "
        + fresh()
        + ", \"message\": {\"message_id\": 3, \"from\": {\"id\": 5, \"first_name\": \"Bo\"},"
        + " \"chat\": {\"id\": "
        + chat
        + ", \"type\": \"group\"}, \"text\": \""
        + text
        + "\""
        + rest
        + "}}";
  }

  private static void assertStatus(int status, Reply reply) {
    assertEquals(status, reply.status(), reply.raw());
  }

  private static void awaitTelegramReplies(long chat, int count) {
    both.node()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(count, both.telegram.deliveredTexts(chat).size());
              return null;
            });
  }

  @Test
  void telegramBodiesThatAreNotUpdatesAre200AndCountedAsIgnored() {
    List<String> bodies =
        List.of(
            "{",
            "",
            "null",
            "[]",
            "\"x\"",
            "{\"hello\": 1}",
            "{\"update_id\": \"abc\"}",
            "{\"update_id\": 1e400}",
            "{\"update_id\": 7, \"message\": {\"message_id\": {}}}",
            "{\"update_id\": 7, \"message\": {\"entities\": 5}}");
    Map<String, Long> before = WebhookCounts.of(both.node(), "tg");
    for (String body : bodies) {
      Reply reply = both.telegram(bytes(body));
      assertEquals(200, reply.status(), body + " -> " + reply.raw());
    }
    Map<String, Long> after = WebhookCounts.of(both.node(), "tg");
    assertEquals(
        before.getOrDefault("ignored", 0L) + bodies.size(), after.getOrDefault("ignored", 0L));
    assertEquals(before.get("invalid"), after.get("invalid"));
  }

  @Test
  void telegramNullEntitiesInAGroupAreSkipped() {
    long chat = -fresh();
    String entities =
        ", \"entities\": [null, {\"type\": \"mention\", \"offset\": 0, \"length\": 16}, null]";
    assertStatus(200, both.telegram(bytes(groupMessage(chat, "@parley_test_bot hi", entities))));
    awaitTelegramReplies(chat, 1);
  }

  @Test
  void telegramEntityBoundsPastTheIntLimitAre200() {
    long chat = -fresh();
    String entities =
        ", \"entities\": [{\"type\": \"bot_command\", \"offset\": 2147483647, \"length\": 1},"
            + " {\"type\": \"mention\", \"offset\": 1, \"length\": 2147483647}]";
    assertStatus(200, both.telegram(bytes(groupMessage(chat, "/help", entities))));
  }

  @Test
  void telegramDeepReplyChainIsAnsweredAtOnce() {
    // 990 levels: under Jackson's own nesting limit (1000), deep enough to overflow a thread's
    // stack in recursive binding (the report's 900 did on its threads).
    StringBuilder chain = new StringBuilder();
    for (int i = 0; i < 990; i++) {
      chain.append(", \"reply_to_message\": {\"message_id\": ").append(i + 4);
      chain.append(", \"from\": {\"id\": 7000000001, \"is_bot\": true, \"first_name\": \"P\"}");
      chain.append(", \"text\": \"t\"");
    }
    chain.append("}".repeat(990));
    Reply reply = both.telegram(bytes(groupMessage(-fresh(), "deep", chain.toString())));
    assertStatus(200, reply);
  }

  @Test
  void telegramLoneSurrogatesAreStoredAndAnswered() {
    long user = fresh();
    String body =
        "{\"update_id\": "
            + fresh()
            + ", \"message\": {\"message_id\": 3, \"from\": {\"id\": "
            + user
            + ", \"first_name\": \"\\udc4b\"}, \"chat\": {\"id\": "
            + user
            + ", \"type\": \"private\"}, \"text\": \"half an emoji \\ud83d\"}}";
    assertStatus(200, both.telegram(bytes(body)));
    awaitTelegramReplies(user, 1);
    assertEquals("echo: half an emoji \ufffd", both.telegram.deliveredTexts(user).get(0));
  }

  /** A WhatsApp delivery of one change whose value is {@code value}. */
  private static byte[] whatsAppValue(String value) {
    return bytes(
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":"
            + "[{\"field\":\"messages\",\"value\":"
            + value
            + "}]}]}");
  }

  private static String whatsAppText(String user, String text) {
    return "{\"from\":\""
        + user
        + "\",\"id\":\"wamid.M-"
        + fresh()
        + "\",\"type\":\"text\",\"text\":{\"body\":\""
        + text
        + "\"}}";
  }

  private static void awaitWhatsAppReply(String user, String text) {
    both.node()
        .awaitAssert(
            WAIT,
            () -> {
              assertEquals(1, both.graph.sendsTo(user).size());
              assertEquals(text, both.graph.sendsTo(user).get(0).text());
              return null;
            });
  }

  @Test
  void whatsAppNullItemsAndAStatusWithoutStatusAre200AndCountedAsIgnored() {
    Map<String, Long> before = WebhookCounts.of(both.node(), "wa");
    List<String> values =
        List.of(
            "{\"messages\": [null]}",
            "{\"statuses\": [null]}",
            "{\"statuses\": [{\"id\": \"wamid.S\", \"recipient_id\": \"15550001111\"}]}",
            "{\"contacts\": [null], \"errors\": [null], \"messages\": [null, 5, \"x\", []]}");
    for (String value : values) {
      assertStatus(200, both.whatsApp(whatsAppValue(value)));
    }
    Map<String, Long> after = WebhookCounts.of(both.node(), "wa");
    assertEquals(
        before.getOrDefault("ignored", 0L) + values.size(), after.getOrDefault("ignored", 0L));
  }

  @Test
  void whatsAppUnusableItemsAreSkippedAndTheRestRecorded() {
    String user = "4478" + fresh();
    String value =
        "{\"messages\": [null, {\"from\": {\"a\": 1}}, " + whatsAppText(user, "still here") + "]}";
    assertStatus(200, both.whatsApp(whatsAppValue(value)));
    awaitWhatsAppReply(user, "echo: still here");
  }

  @Test
  void whatsAppDeepNestingIs400AtOnce() {
    String deep = "[".repeat(900) + "]".repeat(900);
    Reply reply = both.whatsApp(whatsAppValue("{\"x\": " + deep + "}"));
    assertStatus(400, reply);
    assertEquals("bad-json", reply.body().path("error").asText());
  }

  @Test
  void whatsAppBodiesThatAreNotJsonObjectsAre400() {
    for (String body :
        List.of("not json", "[1]", "", "5", WhatsAppFixtures.load("text.json").substring(9))) {
      Reply reply = both.whatsApp(bytes(body));
      assertEquals(400, reply.status(), body + " -> " + reply.raw());
    }
  }

  @Test
  void whatsAppLoneSurrogatesAreStoredAndAnswered() {
    String user = "4479" + fresh();
    assertStatus(
        200,
        both.whatsApp(whatsAppValue("{\"messages\": [" + whatsAppText(user, "x \\ud83d") + "]}")));
    awaitWhatsAppReply(user, "echo: x \ufffd");
  }
}
