package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.ScriptedModel;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ToolCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code clear_history} through a real node on H2 and its chat API: it asks first; once the user
 * said yes, GET shows only the turn that cleared (also for pages read from the journal, and after a
 * restart), the model's next request holds no earlier turn, the memory stays, and an old message id
 * posted again is still a duplicate.
 */
class ClearHistoryEndToEndTest {
  private static final String KEY = "user:api:clear-1";
  // A window of two turns: the earlier turns are read back from the journal.
  private static final Map<String, Object> SMALL_WINDOW =
      Map.of("parley.conversation.turns-in-state", 2);
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(TestNode::close);
  }

  private TestNode start(Path dataDir, ScriptedModel model) {
    TestNode node = TestNode.start(dataDir, SMALL_WINDOW, TestNode.withModel(model));
    nodes.add(node);
    return node;
  }

  private static List<Long> turnIds(TestNode node) {
    JsonNode view = node.get("/api/v1/conversations/" + KEY + "?limit=50").body();
    List<Long> ids = new ArrayList<>();
    view.path("turns").forEach(t -> ids.add(t.path("turnId").asLong()));
    return ids;
  }

  private static List<String> roles(ChatRequest request) {
    return request.messages().stream().map(ChatMessage::role).toList();
  }

  @Test
  void clearingAsksThenLeavesOnlyTheClearingTurnAndKeepsMemoryAndDuplicates() {
    ScriptedModel model = ScriptedModel.answeringAtOnce(MemoryEndToEndTest::rule);
    Path dataDir = TestNode.freshDataDir();
    TestNode node = start(dataDir, model);
    MemoryEndToEndTest.say(node, KEY, "m1", "remember Ann likes tea");
    MemoryEndToEndTest.say(node, KEY, "m2", "hello");
    MemoryEndToEndTest.say(node, KEY, "m3", "how are you");
    assertEquals(List.of(1L, 2L, 3L), turnIds(node), "the window and the journal together");

    Reply asked =
        node.postJson(
            "/api/v1/conversations/" + KEY + "/messages",
            "{\"id\":\"m4\",\"text\":\"clear_history\"}");
    assertEquals(202, asked.status(), asked.raw());
    JsonNode parked =
        node.awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              JsonNode v = node.get("/api/v1/conversations/" + KEY).body();
              assertEquals("awaiting-confirmation", v.path("state").asText(), v.toString());
              return v;
            });
    assertEquals(
        "clear_history",
        parked.path("pendingConfirmation").path("toolCalls").path(0).path("name").asText());
    assertEquals(List.of(1L, 2L, 3L), turnIds(node), "nothing is cleared before the yes");

    Reply yes = MemoryEndToEndTest.say(node, KEY, "m5", "yes");
    assertEquals("completed", yes.body().path("outcome").asText(), yes.raw());
    assertTrue(
        yes.body().path("reply").path("text").asText().startsWith("done: history cleared"),
        yes.raw());
    assertEquals(List.of(4L), turnIds(node));
    JsonNode view = node.get("/api/v1/conversations/" + KEY).body();
    assertEquals(false, view.path("moreBefore").asBoolean(), view.toString());
    assertEquals(List.of("Ann likes tea"), MemoryEndToEndTest.memory(node, KEY));

    model.requests.clear();
    MemoryEndToEndTest.say(node, KEY, "m6", "what did we talk about?");
    ChatRequest next = model.requests.peek();
    // The system prompt (with the memory), the clearing turn (its user lines, its tool round,
    // its reply), and the new message: nothing from turns 1 to 3.
    assertEquals(List.of("system", "user", "assistant", "tool", "assistant", "user"), roles(next));
    assertTrue(next.messages().get(0).content().contains("- Ann likes tea"));
    assertTrue(
        next.messages().stream().noneMatch(m -> "hello".equals(m.content())), next.toString());

    Reply again =
        node.postJson(
            "/api/v1/conversations/" + KEY + "/messages",
            "{\"id\":\"m1\",\"text\":\"remember Ann likes tea\"}");
    assertEquals(202, again.status(), again.raw());
    assertEquals("duplicate", again.body().path("status").asText(), again.raw());

    // Two more turns push the clearing turn out of the window: the journal read stops at it.
    MemoryEndToEndTest.say(node, KEY, "m7", "one more");
    assertEquals(List.of(4L, 5L, 6L), turnIds(node));

    node.stop();
    TestNode restarted = start(dataDir, ScriptedModel.answeringAtOnce(MemoryEndToEndTest::rule));
    assertEquals(List.of(4L, 5L, 6L), turnIds(restarted));
    assertEquals(List.of("Ann likes tea"), MemoryEndToEndTest.memory(restarted, KEY));
    Reply duplicate =
        restarted.postJson(
            "/api/v1/conversations/" + KEY + "/messages", "{\"id\":\"m2\",\"text\":\"hello\"}");
    assertEquals("duplicate", duplicate.body().path("status").asText(), duplicate.raw());
  }

  /**
   * One turn remembers a fact, then asks for clear_history: the fact is stored with the question
   * (GET shows it while the turn waits), and a "no" keeps both the fact and the history.
   */
  @Test
  void aFactRememberedBeforeTheQuestionIsStoredWithItAndANoKeepsTheHistory() {
    String key = "user:api:clear-2";
    ScriptedModel model =
        ScriptedModel.answeringAtOnce(
            request -> {
              List<ChatMessage> m = request.messages();
              String last = m.get(m.size() - 1).content();
              if (!"tool".equals(ScriptedModel.lastRole(request))) {
                return "keep tea then clear".equals(ScriptedModel.lastUserText(request))
                    ? ScriptedModel.toolCalls(new ToolCall("c1", "remember", "{\"fact\": \"tea\"}"))
                    : ScriptedModel.text("ok");
              }
              return last.startsWith("remembered")
                  ? ScriptedModel.toolCalls(new ToolCall("c2", "clear_history", "{}"))
                  : ScriptedModel.text("done: " + last);
            });
    TestNode node = start(TestNode.freshDataDir(), model);
    MemoryEndToEndTest.say(node, key, "k1", "hello");
    Reply asked =
        node.postJson(
            "/api/v1/conversations/" + key + "/messages",
            "{\"id\":\"k2\",\"text\":\"keep tea then clear\"}");
    assertEquals(202, asked.status(), asked.raw());
    node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          JsonNode v = node.get("/api/v1/conversations/" + key).body();
          assertEquals("awaiting-confirmation", v.path("state").asText(), v.toString());
          return v;
        });
    assertEquals(List.of("tea"), MemoryEndToEndTest.memory(node, key));

    Reply no = MemoryEndToEndTest.say(node, key, "k3", "no");
    assertEquals(
        "done: error: the user did not allow clear_history to run",
        no.body().path("reply").path("text").asText(),
        no.raw());
    JsonNode view = node.get("/api/v1/conversations/" + key).body();
    assertEquals(2, view.path("turns").size(), view.toString());
    assertEquals(List.of("tea"), MemoryEndToEndTest.memory(node, key));
  }
}
