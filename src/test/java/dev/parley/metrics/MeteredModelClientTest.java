package dev.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelException;
import dev.parley.llm.OfflineModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The model decorator times every call, counts failures by the model's error code, and passes the
 * wrapped client's stage through untouched.
 */
class MeteredModelClientTest {

  @Test
  void timesAnsweredCalls() throws Exception {
    Metrics metrics = Metrics.create();
    var model = new MeteredModelClient(new OfflineModel(), metrics);
    model
        .complete(new ChatRequest(List.of(ChatMessage.user("hello", null)), List.of()))
        .toCompletableFuture()
        .get();
    String text = metrics.registry().text();
    assertTrue(text.contains("parley_model_seconds_count 1\n"), text);
    assertTrue(!text.contains("parley_model_errors_total{"), text);
  }

  @Test
  void countsFailuresByCodeAndPassesTheStageThrough() {
    Metrics metrics = Metrics.create();
    CompletableFuture<ChatResponse> failing = new CompletableFuture<>();
    var model = new MeteredModelClient(request -> failing, metrics);
    CompletionStage<ChatResponse> stage = model.complete(new ChatRequest(List.of(), List.of()));
    assertSame(failing, stage);
    failing.completeExceptionally(new ModelException("timeout", "took too long", true));
    new MeteredModelClient(
            request -> CompletableFuture.failedFuture(new IllegalStateException("bug")), metrics)
        .complete(new ChatRequest(List.of(), List.of()));
    String text = metrics.registry().text();
    assertEquals(1, Samples.value(text, "parley_model_errors_total{code=\"timeout\"}"), text);
    assertEquals(1, Samples.value(text, "parley_model_errors_total{code=\"other\"}"), text);
    assertTrue(text.contains("parley_model_seconds_count 2\n"), text);
    assertEquals(
        "timeout",
        MeteredModelClient.code(
            new java.util.concurrent.CompletionException(
                new ModelException("timeout", "x", true))));
  }
}
