package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.ModelServerDouble;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model server that answers 503 for a while costs no turn: the messages sent during the outage
 * are all answered, in order, once it is back, and none gets the failure notice. Through a real
 * node, the OpenAI client and an HTTP model double.
 */
class ModelOutageEndToEndTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static ActorTestKit kit;
  private static ModelServerDouble model;
  private static TestNode node;

  @BeforeAll
  static void start() {
    kit = DoublesKit.create("ModelOutageDoubles");
    model = ModelServerDouble.echoing(kit.system());
    model.answer();
    node =
        TestNode.startConfigured(
            model.nodeConfig(
                Map.of(
                    "parley.llm.retry-backoff", "50ms",
                    "parley.llm.outage-wait", "60s",
                    "parley.llm.breaker.reset-timeout", "100ms",
                    "parley.llm.breaker.max-reset-timeout", "300ms")));
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, model);
  }

  @Test
  void messagesSentDuringTheOutageAreAnsweredInOrderOnceTheServerIsBack() {
    model.fail(503);
    String key = "user:api:during-outage";
    List<String> texts = List.of("first", "second", "third");
    for (int i = 0; i < texts.size(); i++) {
      Reply accepted =
          node.postJson(
              "/api/v1/conversations/" + key + "/messages",
              "{\"id\":\"o-" + i + "\",\"text\":\"" + texts.get(i) + "\"}");
      assertEquals(202, accepted.status(), accepted.raw());
    }
    // The outage is felt: the first turn's call has failed more than the quick retries allow.
    node.awaitAssert(
        DEADLINE,
        () -> {
          assertTrue(model.requestCount() > 3, "requests so far: " + model.requestCount());
          return null;
        });
    JsonNode during = node.get("/api/v1/conversations/" + key).body();
    assertEquals(0, during.path("turns").size(), during.toString());

    model.recover();

    JsonNode after =
        node.awaitAssert(
            DEADLINE,
            () -> {
              JsonNode view = node.get("/api/v1/conversations/" + key).body();
              assertEquals(3, view.path("turns").size(), view.toString());
              return view;
            });
    List<String> replies = new ArrayList<>();
    for (JsonNode turn : after.path("turns")) {
      replies.add(turn.path("reply").path("text").asText());
    }
    assertEquals(List.of("echo: first", "echo: second", "echo: third"), replies, after.toString());
  }
}
