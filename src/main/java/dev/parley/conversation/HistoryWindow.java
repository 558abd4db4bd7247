package dev.parley.conversation;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the prompt for a turn: the system prompt, then as many of the newest completed turns as
 * fit the message and character budgets, then the turn's new user message. Turns enter whole (or,
 * if a turn's tool rounds do not fit, as just its user message and reply), so an assistant tool
 * call never loses its results and two user messages never stand unanswered in a row.
 */
public final class HistoryWindow {
  private final int maxMessages;
  private final int maxChars;

  public HistoryWindow(int maxMessages, int maxChars) {
    this.maxMessages = maxMessages;
    this.maxChars = maxChars;
  }

  public List<ChatMessage> prompt(String systemPrompt, List<Turn> history, List<UserLine> now) {
    ChatMessage current = userMessage(now);
    int usedMessages = 1;
    int usedChars = chars(current) + (systemPrompt == null ? 0 : systemPrompt.length());
    List<List<ChatMessage>> picked = new ArrayList<>();
    for (int i = history.size() - 1; i >= 0; i--) {
      List<ChatMessage> turn = messagesOf(history.get(i), true);
      if (!fits(turn, usedMessages, usedChars)) {
        turn = messagesOf(history.get(i), false);
        if (!fits(turn, usedMessages, usedChars)) {
          break;
        }
      }
      picked.add(0, turn);
      usedMessages += turn.size();
      usedChars += turn.stream().mapToInt(HistoryWindow::chars).sum();
    }
    List<ChatMessage> prompt = new ArrayList<>();
    if (systemPrompt != null && !systemPrompt.isBlank()) {
      prompt.add(ChatMessage.system(systemPrompt));
    }
    picked.forEach(prompt::addAll);
    prompt.add(current);
    return prompt;
  }

  private boolean fits(List<ChatMessage> turn, int usedMessages, int usedChars) {
    int chars = turn.stream().mapToInt(HistoryWindow::chars).sum();
    return usedMessages + turn.size() <= maxMessages && usedChars + chars <= maxChars;
  }

  /** One user message for a turn's lines: several lines become one message, one per line. */
  static ChatMessage userMessage(List<UserLine> lines) {
    if (lines.size() == 1) {
      UserLine only = lines.get(0);
      return ChatMessage.user(only.text(), only.sender());
    }
    StringBuilder text = new StringBuilder();
    for (UserLine line : lines) {
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(line.sender() == null ? "" : line.sender() + ": ").append(line.text());
    }
    return ChatMessage.user(text.toString(), null);
  }

  static List<ChatMessage> messagesOf(Turn turn, boolean withTools) {
    List<ChatMessage> out = new ArrayList<>();
    out.add(userMessage(turn.user()));
    if (withTools) {
      out.addAll(rounds(turn.toolCalls()));
    }
    out.add(ChatMessage.assistant(turn.reply(), List.of()));
    return out;
  }

  /** The tool rounds of a turn: each round's assistant tool-call message, then its results. */
  static List<ChatMessage> rounds(List<ToolCallRecord> calls) {
    List<ChatMessage> out = new ArrayList<>();
    Map<Integer, List<ToolCallRecord>> rounds = new TreeMap<>();
    for (ToolCallRecord call : calls) {
      rounds.computeIfAbsent(call.round(), r -> new ArrayList<>()).add(call);
    }
    for (List<ToolCallRecord> round : rounds.values()) {
      out.add(
          ChatMessage.assistant(
              null,
              round.stream().map(c -> new ToolCall(c.callId(), c.name(), c.arguments())).toList()));
      for (ToolCallRecord c : round) {
        out.add(ChatMessage.toolResult(c.callId(), c.name(), c.result()));
      }
    }
    return out;
  }

  private static int chars(ChatMessage m) {
    int n = m.content() == null ? 0 : m.content().length();
    for (ToolCall call : m.toolCalls()) {
      n += call.name().length() + (call.arguments() == null ? 0 : call.arguments().length());
    }
    return n;
  }
}
