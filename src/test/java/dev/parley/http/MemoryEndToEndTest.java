package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.ScriptedModel;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conversation's memory through a real node on H2 and its chat API: the model (a scripted
 * double) remembers, recalls and forgets facts with the built-in tools; GET shows them as {@code
 * memory}; later turns get them in the system prompt; they survive a restart of the node; the cap
 * holds; a failed turn changes nothing.
 */
class MemoryEndToEndTest {
  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(TestNode::close);
  }

  /**
   * "remember X" / "forget X" / "recall" call the tool of that name; "... boom" fails the model
   * call after the tool ran; anything else is answered "ok". After a tool, the answer is "done: "
   * and its result.
   */
  static ChatResponse rule(ChatRequest request) {
    String said = ScriptedModel.lastUserText(request);
    if ("tool".equals(ScriptedModel.lastRole(request))) {
      if (said.endsWith("boom")) {
        throw new IllegalStateException("the model is down");
      }
      List<ChatMessage> m = request.messages();
      return ScriptedModel.text("done: " + m.get(m.size() - 1).content());
    }
    for (String tool : List.of("remember", "forget", "clear_history")) {
      if (said.startsWith(tool)) {
        String fact = said.substring(tool.length()).strip();
        String arguments =
            tool.equals("clear_history")
                ? "{}"
                : TestNode.JSON.createObjectNode().put("fact", fact).toString();
        return ScriptedModel.toolCalls(new ToolCall("c1", tool, arguments));
      }
    }
    if (said.startsWith("recall")) {
      return ScriptedModel.toolCalls(new ToolCall("c1", "recall", "{}"));
    }
    return ScriptedModel.text("ok");
  }

  private TestNode start(Path dataDir, ScriptedModel model, Map<String, ?> overrides) {
    TestNode node = TestNode.start(dataDir, overrides, TestNode.withModel(model));
    nodes.add(node);
    return node;
  }

  static Reply say(TestNode node, String key, String id, String text) {
    Reply reply =
        node.postJson(
            "/api/v1/conversations/" + key + "/messages?wait=10",
            TestNode.JSON.createObjectNode().put("id", id).put("text", text).toString());
    assertEquals(200, reply.status(), reply.raw());
    return reply;
  }

  static List<String> memory(TestNode node, String key) {
    JsonNode view = node.get("/api/v1/conversations/" + key).body();
    assertTrue(view.path("memory").isArray(), view.toString());
    List<String> facts = new ArrayList<>();
    view.path("memory").forEach(f -> facts.add(f.asText()));
    return facts;
  }

  static String systemPrompt(ChatRequest request) {
    ChatMessage first = request.messages().get(0);
    return first.role().equals("system") ? first.content() : "";
  }

  @Test
  void factsAreRememberedShownGivenToTheModelForgottenAndKeptAcrossARestart() {
    String key = "user:api:memory-1";
    ScriptedModel model = ScriptedModel.answeringAtOnce(MemoryEndToEndTest::rule);
    Path dataDir = TestNode.freshDataDir();
    TestNode node = start(dataDir, model, Map.of());
    assertEquals(List.of(), memory(node, key), "an empty conversation has an empty memory");

    Reply first = say(node, key, "m1", "remember Ann likes green tea");
    assertEquals(
        "done: remembered: Ann likes green tea", first.body().path("reply").path("text").asText());
    say(node, key, "m2", "remember  ann likes GREEN tea ");
    say(node, key, "m3", "remember the meeting is on Friday");
    assertEquals(List.of("Ann likes green tea", "the meeting is on Friday"), memory(node, key));

    model.requests.clear();
    say(node, key, "m4", "what do you know?");
    String prompt = systemPrompt(model.requests.peek());
    assertTrue(
        prompt.contains(
            "Facts remembered in this conversation:\n- Ann likes green tea\n"
                + "- the meeting is on Friday"),
        prompt);

    Reply recalled = say(node, key, "m5", "recall");
    assertEquals(
        "done: 1. Ann likes green tea\n2. the meeting is on Friday",
        recalled.body().path("reply").path("text").asText());
    Reply forgotten = say(node, key, "m6", "forget ANN LIKES GREEN TEA");
    assertEquals(
        "done: forgotten: Ann likes green tea",
        forgotten.body().path("reply").path("text").asText());
    Reply missing = say(node, key, "m7", "forget something else");
    assertEquals("done: error: no such fact", missing.body().path("reply").path("text").asText());
    assertEquals(List.of("the meeting is on Friday"), memory(node, key));

    node.stop();
    ScriptedModel after = ScriptedModel.answeringAtOnce(MemoryEndToEndTest::rule);
    TestNode again = start(dataDir, after, Map.of());
    assertEquals(List.of("the meeting is on Friday"), memory(again, key));
    say(again, key, "m8", "hello again");
    assertTrue(
        systemPrompt(after.requests.peek()).contains("- the meeting is on Friday"),
        systemPrompt(after.requests.peek()));
    assertFalse(systemPrompt(after.requests.peek()).contains("green tea"));
  }

  @Test
  void theCapHoldsAndAFailedTurnLeavesTheMemoryAsItWas() {
    String key = "user:api:memory-2";
    ScriptedModel model = ScriptedModel.answeringAtOnce(MemoryEndToEndTest::rule);
    TestNode node =
        start(TestNode.freshDataDir(), model, Map.of("parley.tool.memory.max-facts", 2));
    say(node, key, "m1", "remember one");
    say(node, key, "m2", "remember two");
    Reply full = say(node, key, "m3", "remember three");
    assertEquals(
        "done: error: memory is full (2 facts); forget one first",
        full.body().path("reply").path("text").asText());
    assertEquals(List.of("one", "two"), memory(node, key));

    say(node, key, "m4", "forget two");
    Reply failed = say(node, key, "m5", "remember it all went boom");
    assertEquals("failed", failed.body().path("outcome").asText(), failed.raw());
    assertEquals(List.of("one"), memory(node, key), "the failed turn's fact is not kept");
  }
}
