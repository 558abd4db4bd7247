package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.ModelServerDouble;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.llm.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A policy's {@code channels} as an operator sets it: the calculator offered on Telegram only. A
 * chat API conversation's model requests do not list it, and a model that calls it anyway gets the
 * unknown-tool answer, while the other tools stay offered.
 */
class ToolChannelsEndToEndTest {
  private static ActorTestKit kit;
  private static ModelServerDouble model;
  private static TestNode node;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("ToolChannelsDoubles");
    model = ModelServerDouble.scripted(kit.system());
    node =
        TestNode.startConfigured(
            model.nodeConfig(
                Map.of("parley.tool.policy.calculator.channels", List.of("telegram"))));
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, model);
  }

  @Test
  void aToolLimitedToTelegramIsNeitherOfferedNorRunInAChatApiConversation() {
    model
        .enqueueToolCalls(new ToolCall("call-1", "calculator", "{\"expression\":\"1+1\"}"))
        .enqueueText("I cannot calculate here.");
    Reply reply =
        node.postJson(
            "/api/v1/conversations/user:api:counter/messages?wait=20",
            "{\"id\":\"m-1\",\"text\":\"what is 1+1?\"}");
    assertEquals(200, reply.status(), reply.raw());

    List<String> offered = new ArrayList<>();
    for (JsonNode tool : model.requests().get(0).body().path("tools")) {
      offered.add(tool.path("function").path("name").asText());
    }
    assertFalse(offered.contains("calculator"), offered.toString());
    assertTrue(offered.contains("current_time"), offered.toString());

    JsonNode second = model.requests().get(1).body().path("messages");
    String result = second.get(second.size() - 1).path("content").asText();
    assertTrue(result.startsWith("error: unknown tool \"calculator\""), result);
  }
}
