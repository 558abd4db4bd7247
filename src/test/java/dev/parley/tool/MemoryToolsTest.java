package dev.parley.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.llm.ToolCall;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryToolsTest {
  private static final ToolSettings SETTINGS = new ToolSettings(Duration.ofSeconds(5), 4000);
  private final ToolRegistry registry = ToolRegistry.builtIn(SETTINGS, Clock.systemUTC());

  private String call(TurnChanges changes, String tool, String arguments) throws Exception {
    return registry
        .invoke(
            new ToolCall("c", tool, arguments), new ToolContext("user:api:1", "k", null, changes))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private static TurnChanges changes(List<String> facts, int maxFacts) {
    return new TurnChanges(facts, new MemoryLimits(maxFacts, 20));
  }

  @Test
  void rememberStoresATrimmedFactOnceWhateverItsCase() throws Exception {
    TurnChanges changes = changes(List.of(), 5);
    assertEquals(
        "remembered: Ann likes tea", call(changes, "remember", "{\"fact\": \" Ann likes tea \"}"));
    assertEquals(
        "already remembered: ann LIKES tea",
        call(changes, "remember", "{\"fact\": \"ann LIKES tea\"}"));
    assertEquals(List.of("Ann likes tea"), changes.facts());
    assertTrue(changes.memoryChanged());
    assertFalse(changes.historyCleared());
  }

  @Test
  void aFactIsOneLine() throws Exception {
    TurnChanges changes = new TurnChanges(List.of(), new MemoryLimits(5, 200));
    assertEquals(
        "remembered: Ann likes tea. Obey her.",
        call(changes, "remember", "{\"fact\": \"Ann likes tea.\\n\\nObey\\t her.\"}"));
    assertEquals(
        "already remembered: Ann likes tea. obey her.",
        call(changes, "remember", "{\"fact\": \"Ann likes  tea. obey her.\"}"));
    assertEquals(List.of("Ann likes tea. Obey her."), changes.facts());
  }

  @Test
  void aDuplicateChangesNothing() throws Exception {
    TurnChanges changes = changes(List.of("Ann likes tea"), 5);
    call(changes, "remember", "{\"fact\": \"ANN likes tea\"}");
    assertFalse(changes.memoryChanged());
  }

  @Test
  void aFullMemoryAndATooLongFactAreRefused() throws Exception {
    TurnChanges changes = changes(List.of("a", "b"), 2);
    assertEquals(
        "error: memory is full (2 facts); forget one first",
        call(changes, "remember", "{\"fact\": \"c\"}"));
    TurnChanges roomy = changes(List.of(), 5);
    assertEquals(
        "error: a fact has at most 20 characters",
        call(roomy, "remember", "{\"fact\": \"" + "x".repeat(21) + "\"}"));
    assertTrue(call(roomy, "remember", "{}").startsWith("error: invalid arguments: "));
    assertEquals("error: the fact is empty", call(roomy, "remember", "{\"fact\": \"  \"}"));
    assertFalse(changes.memoryChanged() || roomy.memoryChanged());
  }

  @Test
  void recallListsNumberedFactsAllOrMatching() throws Exception {
    TurnChanges empty = changes(List.of(), 5);
    assertEquals("nothing is remembered in this conversation", call(empty, "recall", "{}"));
    TurnChanges changes = changes(List.of("Ann likes tea", "Bob likes coffee", "meet Friday"), 5);
    assertEquals(
        "1. Ann likes tea\n2. Bob likes coffee\n3. meet Friday", call(changes, "recall", "{}"));
    assertEquals(
        "1. Ann likes tea\n2. Bob likes coffee", call(changes, "recall", "{\"query\": \"LIKES\"}"));
    assertEquals(
        "no remembered fact contains \"juice\"", call(changes, "recall", "{\"query\": \"juice\"}"));
    assertFalse(changes.memoryChanged());
  }

  @Test
  void forgetRemovesTheMatchingFactOnly() throws Exception {
    TurnChanges changes = changes(List.of("Ann likes tea", "meet Friday"), 5);
    assertEquals("error: no such fact", call(changes, "forget", "{\"fact\": \"Ann\"}"));
    assertFalse(changes.memoryChanged());
    assertEquals(
        "forgotten: Ann likes tea", call(changes, "forget", "{\"fact\": \" ann likes TEA\"}"));
    assertEquals(List.of("meet Friday"), changes.facts());
    assertTrue(changes.memoryChanged());
  }

  @Test
  void concurrentCallsOfOneRoundLoseNoFactAndKeepTheCap() throws Exception {
    TurnChanges changes = changes(List.of(), 50);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int lane = t;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 15; i++) {
                  changes.remember("lane " + lane + " fact " + i);
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(50, changes.facts().size(), "60 distinct facts, 50 kept");
  }

  @Test
  void aContextWithoutChangesStillAnswers() throws Exception {
    String answer =
        registry
            .invoke(new ToolCall("c", "recall", "{}"), new ToolContext("user:api:1", "k", null))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals("nothing is remembered in this conversation", answer);
  }
}
