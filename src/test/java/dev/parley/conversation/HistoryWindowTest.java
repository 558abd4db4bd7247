package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.llm.ChatMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryWindowTest {
  private static final List<UserLine> NOW = List.of(new UserLine("now", "what next?", "ann"));

  private static Turn plain(long id, String text, String reply) {
    return new Turn(
        id,
        List.of(new UserLine("m" + id, text, null)),
        List.of(),
        reply,
        Instant.EPOCH,
        Turn.Delivery.DELIVERED,
        List.of(),
        null);
  }

  private static Turn withTools(long id, int rounds) {
    List<ToolCallRecord> calls = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      calls.add(
          new ToolCallRecord(r, "c" + id + "a" + r, "calculator", "{\"expression\":\"1+1\"}", "2"));
      calls.add(new ToolCallRecord(r, "c" + id + "b" + r, "current_time", "{}", "noon"));
    }
    return new Turn(
        id,
        List.of(new UserLine("m" + id, "q" + id, null)),
        calls,
        "a" + id,
        Instant.EPOCH,
        Turn.Delivery.DELIVERED,
        List.of(),
        null);
  }

  private static List<String> roles(List<ChatMessage> prompt) {
    return prompt.stream().map(ChatMessage::role).toList();
  }

  @Test
  void emptyHistoryGivesSystemPromptAndTheNewMessage() {
    var prompt = new HistoryWindow(20, 10_000).prompt("be nice", List.of(), NOW);
    assertEquals(List.of("system", "user"), roles(prompt));
    assertEquals("what next?", prompt.get(1).content());
    assertEquals("ann", prompt.get(1).name());
  }

  @Test
  void blankSystemPromptIsLeftOut() {
    var prompt = new HistoryWindow(20, 10_000).prompt("  ", List.of(), NOW);
    assertEquals(List.of("user"), roles(prompt));
  }

  @Test
  void keepsTheNewestTurnsWithinTheMessageBudgetOldestFirst() {
    List<Turn> history = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      history.add(plain(i, "q" + i, "a" + i));
    }
    // 7 messages: the new one plus three whole turns of two messages each.
    var prompt = new HistoryWindow(7, 10_000).prompt("sys", history, NOW);
    assertEquals(8, prompt.size());
    assertEquals("q8", prompt.get(1).content());
    assertEquals("a10", prompt.get(6).content());
    assertEquals("what next?", prompt.get(7).content());
  }

  @Test
  void keepsWithinTheCharacterBudget() {
    List<Turn> history =
        List.of(plain(1, "x".repeat(500), "y".repeat(500)), plain(2, "short", "ok"));
    var prompt = new HistoryWindow(20, 100).prompt("sys", history, NOW);
    assertEquals(List.of("system", "user", "assistant", "user"), roles(prompt));
    assertEquals("short", prompt.get(1).content());
    int chars = prompt.stream().mapToInt(m -> m.content() == null ? 0 : m.content().length()).sum();
    assertTrue(chars <= 100, "prompt has " + chars + " characters");
  }

  @Test
  void toolCallsStayWithTheirResults() {
    var prompt = new HistoryWindow(40, 10_000).prompt("sys", List.of(withTools(1, 2)), NOW);
    assertEquals(
        List.of(
            "system",
            "user",
            "assistant",
            "tool",
            "tool",
            "assistant",
            "tool",
            "tool",
            "assistant",
            "user"),
        roles(prompt));
    assertNoOrphans(prompt);
  }

  @Test
  void aTurnWhoseToolsDoNotFitEntersAsQuestionAndAnswerOnly() {
    // Budget of 5 messages: the new one, then turn 1 would need 8 with its tools.
    var prompt = new HistoryWindow(5, 10_000).prompt("sys", List.of(withTools(1, 2)), NOW);
    assertEquals(List.of("system", "user", "assistant", "user"), roles(prompt));
    assertEquals("a1", prompt.get(2).content());
    assertNoOrphans(prompt);
  }

  @Test
  void neverTwoUserMessagesInARowAndNeverAnOrphanToolCall() {
    List<Turn> history = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      history.add(i % 3 == 0 ? withTools(i, i % 4 + 1) : plain(i, "q" + i, "a" + i));
    }
    for (int budget = 1; budget <= 40; budget++) {
      for (int chars : new int[] {20, 60, 200, 1000}) {
        var prompt = new HistoryWindow(budget, chars).prompt(null, history, NOW);
        assertNoOrphans(prompt);
        for (int i = 1; i < prompt.size(); i++) {
          assertFalse(
              prompt.get(i).role().equals("user") && prompt.get(i - 1).role().equals("user"),
              "two user messages in a row at " + i + " with budget " + budget + "/" + chars);
        }
        assertEquals("what next?", prompt.get(prompt.size() - 1).content());
      }
    }
  }

  @Test
  void severalUserLinesBecomeOneMessageWithTheirSenders() {
    var lines = List.of(new UserLine("1", "hi", "ann"), new UserLine("2", "hello", "bob"));
    var prompt = new HistoryWindow(20, 10_000).prompt(null, List.of(), lines);
    assertEquals(1, prompt.size());
    assertEquals("ann: hi\nbob: hello", prompt.get(0).content());
  }

  private static void assertNoOrphans(List<ChatMessage> prompt) {
    Set<String> open = new HashSet<>();
    for (ChatMessage m : prompt) {
      if (m.role().equals("tool")) {
        assertTrue(open.remove(m.toolCallId()), "tool result without its call: " + m.toolCallId());
      } else {
        assertTrue(open.isEmpty(), "tool calls without results before a " + m.role() + " message");
        m.toolCalls().forEach(c -> open.add(c.id()));
      }
    }
    assertTrue(open.isEmpty(), "tool calls without results at the end");
  }
}
