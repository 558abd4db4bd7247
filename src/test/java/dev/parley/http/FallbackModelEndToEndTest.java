package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.ModelServerDouble;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * parley.llm.fallbacks through a whole node: the primary model server fails for good (500 on every
 * request), so after its quick retries the call goes to the fallback, which answers; the turn, the
 * chat API and /metrics all name the fallback's model.
 */
class FallbackModelEndToEndTest {
  private static ActorTestKit kit;
  private static ModelServerDouble primary;
  private static ModelServerDouble fallback;
  private static TestNode node;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("FallbackModelDoubles");
    primary = ModelServerDouble.scripted(kit.system());
    primary.fail(500);
    fallback = ModelServerDouble.echoing(kit.system());
    fallback.answer();
    node =
        TestNode.startConfigured(
            primary.nodeConfig(
                Map.of(
                    "parley.llm.model",
                    "primary-model",
                    "parley.llm.fallbacks",
                    List.of(Map.of("base-url", fallback.baseUrl(), "model", "fallback-model")))));
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, primary, fallback);
  }

  @Test
  void aMessageIsAnsweredByTheFallbackWhenThePrimaryFailsForGood() {
    String key = "user:api:fallback";
    Reply reply =
        node.postJson(
            "/api/v1/conversations/" + key + "/messages?wait=20",
            "{\"id\":\"fb-1\",\"text\":\"hello\"}");
    assertEquals(200, reply.status(), reply.raw());
    assertEquals("completed", reply.body().path("outcome").asText(), reply.raw());
    assertEquals("echo: hello", reply.body().path("reply").path("text").asText(), reply.raw());

    // The primary had its quick retries (max-retries 2) and no outage wait: it is not the last.
    assertEquals(3, primary.requestCount());
    for (var request : primary.requests()) {
      assertEquals("primary-model", request.body().path("model").asText());
    }
    assertEquals(1, fallback.requestCount());
    assertEquals("fallback-model", fallback.requests().get(0).body().path("model").asText());

    JsonNode turns = node.get("/api/v1/conversations/" + key).body().path("turns");
    assertEquals(1, turns.size(), turns.toString());
    JsonNode turn = turns.path(0);
    assertEquals("fallback-model", turn.path("model").asText(), turn.toString());
    assertEquals("echo: hello", turn.path("reply").path("text").asText(), turn.toString());
    // The double reports 1 + 1 tokens per answer.
    assertEquals(1, turn.path("usage").path("promptTokens").asInt(), turn.toString());

    String metrics = node.getManagement("/metrics").raw();
    assertTrue(
        metrics.contains("parley_model_tokens_total{kind=\"prompt\",model=\"fallback-model\"} 1"),
        metrics);
    assertTrue(
        metrics.contains(
            "parley_model_tokens_total{kind=\"completion\",model=\"fallback-model\"} 1"),
        metrics);
    assertFalse(metrics.contains("model=\"primary-model\""), metrics);
    assertTrue(metrics.contains("parley_turns_total{outcome=\"completed\"} 1"), metrics);
    assertTrue(metrics.contains("parley_turns_total{outcome=\"failed\"} 0"), metrics);
  }
}
