package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OfflineModelTest {
  private static final List<ToolSpec> TOOLS =
      List.of(
          new ToolSpec("current_time", "The time", "{\"type\":\"object\"}"),
          new ToolSpec("calculator", "Arithmetic", "{\"type\":\"object\"}"));

  private final OfflineModel model = new OfflineModel();

  @Test
  void timeQuestionAsksForCurrentTimeInUtc() {
    ChatResponse response = answer(userSays("What time is it?"));

    assertTrue(response.wantsTools());
    assertEquals("tool_calls", response.finishReason());
    assertEquals(
        new ToolCall("call_2", "current_time", "{\"timezone\":\"UTC\"}"),
        response.toolCalls().get(0));
  }

  @Test
  void timeQuestionNamingAZoneAsksForThatZone() {
    ChatResponse response = answer(userSays("what's the TIME in europe/berlin and/or Paris?"));

    assertEquals("{\"timezone\":\"Europe/Berlin\"}", response.toolCalls().get(0).arguments());
  }

  @Test
  void timeQuestionWithoutTheToolIsEchoed() {
    var request = new ChatRequest(List.of(ChatMessage.user("what time is it", null)), List.of());

    assertFalse(answer(request).wantsTools());
  }

  @Test
  void currentTimeResultBecomesASentence() {
    List<ChatMessage> messages = new ArrayList<>(userSays("What time is it?").messages());
    ToolCall call = answer(new ChatRequest(messages, TOOLS)).toolCalls().get(0);
    messages.add(ChatMessage.assistant(null, List.of(call)));
    messages.add(ChatMessage.toolResult(call.id(), "current_time", "2025-01-01T12:00:00Z"));

    ChatResponse response = answer(new ChatRequest(messages, TOOLS));

    assertFalse(response.wantsTools());
    assertEquals("The current time is 2025-01-01T12:00:00Z. (offline model)", response.content());
  }

  @Test
  void calcAsksForTheCalculatorAndStatesItsResult() {
    List<ChatMessage> messages = new ArrayList<>(userSays("calc 6 * 7").messages());
    ChatResponse ask = answer(new ChatRequest(messages, TOOLS));
    assertEquals(
        new ToolCall("call_2", "calculator", "{\"expression\":\"6 * 7\"}"), ask.toolCalls().get(0));

    messages.add(ChatMessage.assistant(null, ask.toolCalls()));
    messages.add(ChatMessage.toolResult("call_2", "calculator", "42"));

    assertEquals("6 * 7 = 42 (offline model)", answer(new ChatRequest(messages, TOOLS)).content());
  }

  @Test
  void unknownToolResultIsReportedGenerically() {
    var messages =
        List.of(
            ChatMessage.user("look it up", null),
            ChatMessage.assistant(null, List.of(new ToolCall("c1", "lookup", "{}"))),
            ChatMessage.toolResult("c1", "lookup", "found"));

    assertEquals("Tool lookup returned: found", answer(new ChatRequest(messages, TOOLS)).content());
  }

  @Test
  void plainTextSaysItIsOfflineAndEchoesCut() {
    ChatResponse reply = answer(userSays("Hello there"));
    assertEquals("Offline model here (no LLM configured). You said: Hello there", reply.content());
    assertEquals("stop", reply.finishReason());

    String echoed = answer(userSays("y".repeat(2000))).content();
    assertTrue(echoed.endsWith("y".repeat(500)));
    assertFalse(echoed.endsWith("y".repeat(501)));
  }

  @Test
  void sameRequestGetsSameAnswerAtOnce() {
    for (String text : List.of("what time is it", "calculate 1+1", "hi")) {
      CompletableFuture<ChatResponse> first = model.complete(userSays(text)).toCompletableFuture();
      CompletableFuture<ChatResponse> second = model.complete(userSays(text)).toCompletableFuture();
      assertTrue(first.isDone() && second.isDone(), "the offline model never waits");
      assertEquals(first.join(), second.join());
    }
  }

  private static ChatRequest userSays(String text) {
    return new ChatRequest(
        List.of(ChatMessage.system("Be brief."), ChatMessage.user(text, "alice")), TOOLS);
  }

  private ChatResponse answer(ChatRequest request) {
    // The offline model completes before returning, so join() cannot wait here.
    return model.complete(request).toCompletableFuture().join();
  }
}
