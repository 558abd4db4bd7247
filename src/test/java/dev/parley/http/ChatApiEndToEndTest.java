package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.conversation.ConversationEntity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat API over real HTTP against a whole node (offline model, H2 in a temp directory): the
 * shapes of the external interface, every 400 with its JSON error, erasure down to the database
 * rows, and the bearer token.
 */
@ExtendWith(LogCapturingExtension.class)
class ChatApiEndToEndTest {
  private static final int MAX_TEXT_CHARS = 100;
  private static final String OFFLINE_ECHO = "Offline model here (no LLM configured). You said: ";
  private static final AtomicInteger KEYS = new AtomicInteger();
  static TestNode node;

  @BeforeAll
  static void startNode() {
    startNode(Map.of());
  }

  /** Starts the class's node with {@code database} settings (none: H2 in a temp directory). */
  static void startNode(Map<String, ?> database) {
    Map<String, Object> overrides = new HashMap<>(database);
    overrides.put("parley.conversation.max-text-chars", MAX_TEXT_CHARS);
    node = TestNode.start(overrides);
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.stop();
    }
  }

  private static String freshKey() {
    return "user:api:e2e-" + KEYS.incrementAndGet();
  }

  private static String messages(String key) {
    return "/api/v1/conversations/" + key + "/messages";
  }

  private static String conversation(String key) {
    return "/api/v1/conversations/" + key;
  }

  private static String message(String id, String text) {
    return "{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}";
  }

  private static Reply postAndWait(String key, String id, String text) {
    Reply reply = node.postJson(messages(key) + "?wait=10", message(id, text));
    assertEquals(200, reply.status(), reply.raw());
    assertEquals("completed", reply.body().path("outcome").asText(), reply.raw());
    return reply;
  }

  private static JsonNode conversationOf(String key, String query) {
    Reply reply = node.get(conversation(key) + query);
    assertEquals(200, reply.status(), reply.raw());
    return reply.body();
  }

  private static List<Long> turnIds(JsonNode conversation) {
    List<Long> ids = new ArrayList<>();
    conversation.path("turns").forEach(t -> ids.add(t.path("turnId").asLong()));
    return ids;
  }

  private static void assertError(Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.raw());
    assertEquals(code, reply.body().path("error").asText(), reply.raw());
    assertFalse(reply.body().path("message").asText().isBlank(), reply.raw());
  }

  private static void assertBadRequest(String path, String body, String code) {
    assertError(node.postJson(path, body), 400, code);
  }

  @Test
  void postAcceptsWithTheGivenId() {
    Reply reply = node.postJson(messages(freshKey()), message("m-1", "hello"));
    assertEquals(202, reply.status(), reply.raw());
    assertEquals("m-1", reply.body().path("messageId").asText());
    assertEquals("accepted", reply.body().path("status").asText());
  }

  @Test
  void postWithoutIdGeneratesOne() {
    Reply reply = node.postJson(messages(freshKey()), "{\"text\":\"no id\"}");
    assertEquals(202, reply.status(), reply.raw());
    assertFalse(reply.body().path("messageId").asText().isBlank(), reply.raw());
    assertEquals("accepted", reply.body().path("status").asText());
  }

  @Test
  void sameIdTwiceIsADuplicateAndMakesOneTurn() {
    String key = freshKey();
    assertEquals(202, node.postJson(messages(key), message("dup", "once")).status());
    Reply second = node.postJson(messages(key), message("dup", "once"));
    assertEquals(202, second.status(), second.raw());
    assertEquals("duplicate", second.body().path("status").asText());
    assertEquals("dup", second.body().path("messageId").asText());
    postAndWait(key, "after", "after");

    JsonNode view = conversationOf(key, "");
    assertEquals(List.of(1L, 2L), turnIds(view), view.toString());
    List<String> ids = new ArrayList<>();
    view.path("turns").forEach(t -> t.path("messageIds").forEach(id -> ids.add(id.asText())));
    assertEquals(List.of("dup", "after"), ids);
  }

  @Test
  void waitReturnsTheOutcomeAndTheReply() {
    Reply reply = postAndWait(freshKey(), "w-1", "hello there");
    assertEquals("w-1", reply.body().path("messageId").asText());
    assertEquals("accepted", reply.body().path("status").asText());
    assertEquals(OFFLINE_ECHO + "hello there", reply.body().path("reply").path("text").asText());
  }

  @Test
  void timeQuestionRunsTheToolAndShowsTheCall() throws Exception {
    String key = freshKey();
    Reply reply = postAndWait(key, "t-1", "what time is it?");
    String text = reply.body().path("reply").path("text").asText();
    assertTrue(text.startsWith("The current time is "), text);

    JsonNode turn = conversationOf(key, "").path("turns").path(0);
    JsonNode call = turn.path("toolCalls").path(0);
    assertEquals("current_time", call.path("name").asText(), turn.toString());
    assertEquals(
        "UTC", TestNode.JSON.readTree(call.path("arguments").asText()).path("timezone").asText());
    assertTrue(text.contains(call.path("result").asText()), turn.toString());
    assertEquals(text, turn.path("reply").path("text").asText());
  }

  @Test
  void waitOnADuplicateGivesTheOriginalOutcome() {
    String key = freshKey();
    Reply first = postAndWait(key, "o-1", "first words");
    Reply again = node.postJson(messages(key) + "?wait=10", message("o-1", "other words"));
    assertEquals(200, again.status(), again.raw());
    assertEquals("duplicate", again.body().path("status").asText());
    assertEquals("completed", again.body().path("outcome").asText());
    assertEquals(first.body().path("reply"), again.body().path("reply"));
  }

  @Test
  void neverWrittenKeyIsAnEmptyConversation() {
    String key = freshKey();
    JsonNode view = conversationOf(key, "");
    assertEquals(key, view.path("key").asText());
    assertEquals("idle", view.path("state").asText());
    assertEquals(0, view.path("inbox").asInt(-1));
    assertTrue(view.path("turns").isArray() && view.path("turns").isEmpty(), view.toString());
    assertTrue(view.path("pendingConfirmation").isNull(), view.toString());
  }

  @Test
  void getShowsTurnsOldestFirstInTheStableShape() {
    String key = freshKey();
    assertEquals(
        202,
        node.postJson(messages(key), "{\"id\":\"s-1\",\"text\":\"one\",\"sender\":\"Ada\"}")
            .status());
    postAndWait(key, "s-2", "two");

    JsonNode view = conversationOf(key, "");
    assertEquals(key, view.path("key").asText());
    assertEquals("idle", view.path("state").asText());
    assertEquals(0, view.path("inbox").asInt(-1));
    assertTrue(view.path("pendingConfirmation").isNull(), view.toString());
    assertEquals(List.of(1L, 2L), turnIds(view));
    JsonNode first = view.path("turns").path(0);
    assertEquals(List.of("s-1"), texts(first.path("messageIds")));
    JsonNode user = first.path("user").path(0);
    assertEquals("s-1", user.path("id").asText());
    assertEquals("one", user.path("text").asText());
    assertEquals("Ada", user.path("sender").asText());
    assertTrue(first.path("toolCalls").isArray() && first.path("toolCalls").isEmpty());
    assertEquals(OFFLINE_ECHO + "one", first.path("reply").path("text").asText());
    assertEquals("delivered", first.path("reply").path("delivery").asText());
    JsonNode second = view.path("turns").path(1);
    assertEquals("two", second.path("user").path(0).path("text").asText());
    assertTrue(second.path("user").path(0).path("sender").isNull(), second.toString());
  }

  @Test
  void limitAndBeforePageOlderTurns() {
    String key = freshKey();
    for (int i = 1; i <= 4; i++) {
      postAndWait(key, "p-" + i, "message " + i);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), turnIds(conversationOf(key, "")));
    assertEquals(List.of(3L, 4L), turnIds(conversationOf(key, "?limit=2")));
    assertEquals(List.of(1L, 2L), turnIds(conversationOf(key, "?limit=2&before=3")));
    assertEquals(List.of(1L), turnIds(conversationOf(key, "?before=2")));
    assertEquals(List.of(), turnIds(conversationOf(key, "?before=1")));
  }

  @Test
  void rejectsBadKeys() {
    String body = message("k", "hi");
    assertBadRequest(messages("nochannel"), body, "bad-key");
    assertBadRequest(messages("user:xx:1"), body, "bad-key");
    assertBadRequest(messages("user:api:" + "a".repeat(200)), body, "bad-key");
    assertError(node.get(conversation("nochannel")), 400, "bad-key");
    assertError(node.delete(conversation("user:xx:1")), 400, "bad-key");
  }

  @Test
  void rejectsBadBodies() {
    String path = messages(freshKey());
    assertBadRequest(path, "this is not json", "bad-json");
    assertBadRequest(path, "[\"text\"]", "bad-json");
    assertBadRequest(path, "\"hello\"", "bad-json");
    assertBadRequest(path, "{\"id\":\"x\"}", "missing-text");
    assertBadRequest(path, "{\"text\":\"\"}", "missing-text");
    assertBadRequest(path, "{\"text\":42}", "bad-text");
    assertBadRequest(
        path, "{\"text\":\"" + "x".repeat(MAX_TEXT_CHARS + 1) + "\"}", "text-too-long");
    assertBadRequest(path, "{\"id\":5,\"text\":\"hi\"}", "bad-id");
    // Channel ids live in the same dedupe memory: an API client must not take Telegram's.
    assertBadRequest(path, "{\"id\":\"tg:123\",\"text\":\"hi\"}", "bad-id");
    assertBadRequest(path, "{\"id\":\"wa:wamid.X\",\"text\":\"hi\"}", "bad-id");
    assertBadRequest(path, "{\"text\":\"hi\",\"sender\":[]}", "bad-sender");
  }

  @Test
  void refusesInvalidUnicodeWithBadText() {
    String key = freshKey();
    String path = messages(key);
    // A lone high surrogate, escaped in the JSON: Jackson reads it, but could never store it.
    assertBadRequest(path, "{\"text\":\"a \\ud83d b\"}", "bad-text");
    assertBadRequest(path, "{\"text\":\"\\ude00\"}", "bad-text");
    assertBadRequest(path, "{\"id\":\"x\\ud83d\",\"text\":\"hi\"}", "bad-id");
    assertBadRequest(path, "{\"text\":\"hi\",\"sender\":\"\\ud83d\"}", "bad-sender");
    // The same surrogate as raw bytes (ED A0 BD): not valid UTF-8.
    byte[] raw = {
      '{',
      '"',
      't',
      'e',
      'x',
      't',
      '"',
      ':',
      '"',
      'a',
      (byte) 0xED,
      (byte) 0xA0,
      (byte) 0xBD,
      '"',
      '}'
    };
    assertError(node.postBytes(path, raw), 400, "bad-text");
    // A real pair is fine, and the conversation goes on.
    Reply fine = postAndWait(key, "u-1", "\\ud83d\\ude00 ok");
    assertTrue(fine.body().path("reply").path("text").asText().contains("\ud83d\ude00 ok"));
  }

  @Test
  void readingAKeyNeverWrittenStartsNoConversation() throws Exception {
    String key = freshKey();
    for (int i = 0; i < 3; i++) {
      JsonNode read = conversationOf(key, "");
      assertEquals(key, read.path("key").asText());
      assertEquals("idle", read.path("state").asText());
      assertEquals(0, read.path("turns").size());
    }
    assertFalse(liveEntityIds().contains(key), "a read must not start the entity");
    postAndWait(key, "w-1", "now it exists");
    assertTrue(liveEntityIds().contains(key));
    assertEquals(1, conversationOf(key, "").path("turns").size());
  }

  /** The conversations this node's shard region holds in memory now. */
  private static Set<String> liveEntityIds() throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo -> new GetShardRegionState(ConversationEntity.ENTITY_KEY, replyTo),
                Duration.ofSeconds(5),
                node.system().scheduler())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    Set<String> ids = new HashSet<>();
    state.getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  @Test
  void withoutATokenARequestThroughAProxyIsRefused() {
    // A proxy on this host makes every peer loopback: the headers it adds give it away.
    for (String header : List.of("X-Forwarded-For", "X-Real-IP", "Forwarded")) {
      Reply refused = node.send("GET", conversation(freshKey()), null, header, "for=203.0.113.7");
      assertError(refused, 401, "unauthorized");
      assertTrue(refused.body().path("message").asText().contains("proxy"), refused.raw());
    }
    assertEquals(200, node.get(conversation(freshKey())).status());
  }

  @Test
  void acceptsTextOfExactlyTheLimit() {
    Reply reply =
        node.postJson(messages(freshKey()), "{\"text\":\"" + "x".repeat(MAX_TEXT_CHARS) + "\"}");
    assertEquals(202, reply.status(), reply.raw());
  }

  @Test
  void rejectsBadWaitAndLimit() {
    String key = freshKey();
    String body = message("q", "hi");
    assertBadRequest(messages(key) + "?wait=abc", body, "bad-wait");
    assertBadRequest(messages(key) + "?wait=-1", body, "bad-wait");
    assertError(node.get(conversation(key) + "?limit=abc"), 400, "bad-limit");
    assertError(node.get(conversation(key) + "?limit=0"), 400, "bad-limit");
    assertError(node.get(conversation(key) + "?limit=100000"), 400, "bad-limit");
    assertError(node.get(conversation(key) + "?before=x"), 400, "bad-before");
    // None of the refused posts was accepted.
    assertEquals(List.of(), turnIds(conversationOf(key, "")));
    assertEquals(0, conversationOf(key, "").path("inbox").asInt(-1));
  }

  @Test
  void bodyOverTheLimitIs413() {
    String big = "{\"text\":\"" + "x".repeat(70 * 1024) + "\"}";
    assertError(node.postJson(messages(freshKey()), big), 413, "body-too-large");
  }

  @Test
  void chunkedBodyOverTheLimitIs413() {
    String big = "{\"text\":\"" + "x".repeat(70 * 1024) + "\"}";
    assertError(node.postChunked(messages(freshKey()), big), 413, "body-too-large");
  }

  @Test
  void chunkedBodyUnderTheLimitIsAccepted() {
    Reply reply = node.postChunked(messages(freshKey()), message("c-1", "chunked"));
    assertEquals(202, reply.status(), reply.raw());
  }

  @Test
  void unknownPathIs404Json() {
    assertError(node.get("/nope"), 404, "not-found");
    assertError(node.get("/api/v1/conversations/user:api:1/other"), 404, "not-found");
  }

  @Test
  void wrongMethodIs405Json() {
    assertError(node.get(messages(freshKey())), 405, "method-not-allowed");
    assertError(node.send("PUT", conversation(freshKey()), "{}"), 405, "method-not-allowed");
  }

  @Test
  void deleteErasesEveryStoredRowAndTheKeyStartsOver() throws Exception {
    String key = freshKey();
    postAndWait(key, "d-1", "one");
    postAndWait(key, "d-2", "what time is it");
    assertEquals(2, conversationOf(key, "").path("turns").size());
    String persistenceId = "Conversation|" + key;
    assertTrue(rows("event_journal", persistenceId) > 0, "the journal holds the conversation");

    Reply deleted = node.delete(conversation(key));
    assertEquals(204, deleted.status(), deleted.raw());
    assertEquals("", deleted.raw());

    JsonNode view = conversationOf(key, "");
    assertEquals("idle", view.path("state").asText());
    assertEquals(0, view.path("inbox").asInt(-1));
    assertTrue(view.path("turns").isEmpty(), view.toString());
    assertEquals(0, rows("event_journal", persistenceId));
    assertEquals(0, rows("snapshot", persistenceId));

    Reply again = postAndWait(key, "d-1", "one again");
    assertEquals("accepted", again.body().path("status").asText(), "the erased id is forgotten");
    assertEquals(List.of(1L), turnIds(conversationOf(key, "")));
  }

  @Test
  void apiTokenIsRequiredWhenSet() {
    try (TestNode guarded = TestNode.start(Map.of("parley.http.api-token", "s3cret"))) {
      String key = freshKey();
      String body = message("a-1", "hi");
      assertError(guarded.postJson(messages(key), body), 401, "unauthorized");
      assertError(guarded.get(conversation(key)), 401, "unauthorized");
      assertError(
          guarded.send("POST", messages(key), body, "Authorization", "Bearer wrong"),
          401,
          "unauthorized");
      assertError(
          guarded.send("POST", messages(key), body, "Authorization", "Basic czNjcmV0"),
          401,
          "unauthorized");
      Reply ok = guarded.send("POST", messages(key), body, "Authorization", "Bearer s3cret");
      assertEquals(202, ok.status(), ok.raw());
      Reply read = guarded.send("GET", conversation(key), null, "Authorization", "Bearer s3cret");
      assertEquals(200, read.status(), read.raw());
      // /metrics on the API port is guarded the same way (the management port's is not).
      assertError(guarded.get("/metrics"), 401, "unauthorized");
      Reply metrics = guarded.send("GET", "/metrics", null, "Authorization", "Bearer s3cret");
      assertEquals(200, metrics.status(), metrics.raw());
      assertTrue(metrics.raw().contains("# TYPE parley_receipts_total counter"), metrics.raw());
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static int rows(String table, String persistenceId) throws Exception {
    try (Connection connection = node.openDatabase();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT COUNT(*) FROM \"" + table + "\" WHERE \"persistence_id\" = ?")) {
      statement.setString(1, persistenceId);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getInt(1);
      }
    }
  }
}
