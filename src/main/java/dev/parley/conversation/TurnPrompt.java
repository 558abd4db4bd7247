package dev.parley.conversation;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * What the model is shown at the start of an attempt: the system prompt with the conversation's
 * memory, the history window, and the turn's user lines; for a parked turn resumed, also its tool
 * rounds so far and the assistant message that asked for the calls. Pure: no clock, no I/O.
 */
final class TurnPrompt {
  private final String systemPrompt;
  private final HistoryWindow window;

  TurnPrompt(ConversationSettings settings) {
    this.systemPrompt = settings.systemPrompt();
    this.window = new HistoryWindow(settings.historyMaxMessages(), settings.historyMaxChars());
  }

  /** The prompt of a new attempt at a turn of {@code user} lines. */
  List<ChatMessage> start(ConversationState state, List<UserLine> user) {
    return window.prompt(system(state), state.turns(), user);
  }

  /**
   * The prompt of a parked turn going on: as it stood when the model asked for {@code requested}.
   */
  List<ChatMessage> resume(
      ConversationState state, PendingConfirmation parked, List<ToolCall> requested) {
    List<ChatMessage> prompt = new ArrayList<>(start(state, parked.user()));
    prompt.addAll(HistoryWindow.rounds(parked.calls()));
    prompt.add(ChatMessage.assistant(parked.assistantText(), requested));
    return prompt;
  }

  /**
   * The configured system prompt, then the conversation's memory when it holds any facts: the model
   * sees them in every turn.
   */
  String system(ConversationState state) {
    if (state.memory().isEmpty()) {
      return systemPrompt;
    }
    StringBuilder out = new StringBuilder();
    if (systemPrompt != null && !systemPrompt.isBlank()) {
      out.append(systemPrompt).append("\n\n");
    }
    out.append("Facts remembered in this conversation:");
    state.memory().forEach(fact -> out.append("\n- ").append(fact));
    return out.toString();
  }
}
