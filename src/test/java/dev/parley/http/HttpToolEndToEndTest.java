package dev.parley.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.DoublesKit;
import dev.parley.ModelServerDouble;
import dev.parley.TestNode;
import dev.parley.TestNode.Reply;
import dev.parley.llm.ToolCall;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP tool configured as an operator would ({@code parley.tool.http.order_status}), a node
 * whose model and tools come from its configuration, an OpenAI-compatible model double that asks
 * for the tool, and a real endpoint: one chat API message makes the call, and the endpoint's answer
 * is the tool's result in the model's next request and in the stored turn.
 */
class HttpToolEndToEndTest {
  private static ActorTestKit kit;
  private static ModelServerDouble model;
  private static ServerBinding endpoint;
  private static final List<HttpRequest> calls = new CopyOnWriteArrayList<>();
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    kit = DoublesKit.create("HttpToolDoubles");
    model = ModelServerDouble.scripted(kit.system());
    endpoint =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(HttpToolEndToEndTest::answer)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    String tool = "parley.tool.http.order_status.";
    Map<String, Object> config = model.nodeConfig();
    config.put(tool + "description", "Looks up an order by its number.");
    config.put(
        tool + "url", "http://127.0.0.1:" + endpoint.localAddress().getPort() + "/order-status");
    config.put(tool + "parameters.type", "object");
    config.put(tool + "parameters.properties.order.type", "string");
    config.put(tool + "parameters.required", List.of("order"));
    config.put(tool + "headers.Authorization", "Bearer shop-token");
    node = TestNode.startConfigured(config);
  }

  private static CompletionStage<HttpResponse> answer(HttpRequest request) {
    calls.add(request);
    return CompletableFuture.completedFuture(
        HttpResponse.create()
            .withEntity(
                ContentTypes.APPLICATION_JSON, "{\"order\":\"A-17\",\"status\":\"shipped\"}"));
  }

  @AfterAll
  static void stop() {
    DoublesKit.stop(kit, node, model);
  }

  @Test
  void theModelCallsTheEndpointAndReadsItsAnswer() {
    model
        .enqueueToolCalls(new ToolCall("call-1", "order_status", "{\"order\":\"A-17\"}"))
        .enqueueText("Order A-17 has shipped.");
    Reply reply =
        node.postJson(
            "/api/v1/conversations/user:api:shopper/messages?wait=20",
            "{\"id\":\"m-1\",\"text\":\"where is my order A-17?\"}");
    assertEquals(200, reply.status(), reply.raw());

    // The model saw the tool with its schema, then the endpoint's answer as the tool result.
    JsonNode offered = null;
    for (JsonNode tool : model.requests().get(0).body().path("tools")) {
      if (tool.path("function").path("name").asText().equals("order_status")) {
        offered = tool.path("function");
      }
    }
    assertTrue(offered != null, model.requests().get(0).body().toString());
    assertEquals("Looks up an order by its number.", offered.path("description").asText());
    assertEquals("order", offered.path("parameters").path("required").path(0).asText());
    JsonNode second = model.requests().get(1).body().path("messages");
    JsonNode toolMessage = second.get(second.size() - 1);
    assertEquals("tool", toolMessage.path("role").asText());
    assertEquals(
        "{\"order\":\"A-17\",\"status\":\"shipped\"}", toolMessage.path("content").asText());

    assertEquals(1, calls.size());
    HttpRequest call = calls.get(0);
    assertEquals("/order-status", call.getUri().path());
    assertEquals("user:api:shopper", call.getHeader("X-Parley-Conversation").orElseThrow().value());
    String key = call.getHeader("Idempotency-Key").orElseThrow().value();
    assertTrue(key.matches("user:api:shopper/\\d+/\\d+/0"), key);
    assertEquals("Bearer shop-token", call.getHeader("Authorization").orElseThrow().value());

    JsonNode turn = node.get("/api/v1/conversations/user:api:shopper").body().path("turns").path(0);
    assertEquals("order_status", turn.path("toolCalls").path(0).path("name").asText());
    assertEquals(
        "{\"order\":\"A-17\",\"status\":\"shipped\"}",
        turn.path("toolCalls").path(0).path("result").asText());
    assertEquals("Order A-17 has shipped.", turn.path("reply").path("text").asText());
    // The double reports 1 + 1 tokens per answer: two model calls in this turn.
    assertEquals(2, turn.path("usage").path("promptTokens").asInt(), turn.toString());
    assertEquals(2, turn.path("usage").path("completionTokens").asInt(), turn.toString());
    assertEquals("gpt-4o-mini", turn.path("model").asText(), turn.toString());
    String metrics = node.getManagement("/metrics").raw();
    assertTrue(
        metrics.contains("parley_model_tokens_total{kind=\"prompt\",model=\"gpt-4o-mini\"} 2"),
        metrics);
  }
}
