package dev.parley.conversation;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The progress of one attempt at a turn, kept in memory only: the prompt so far, the model calls
 * made, the tool calls asked and answered. Nothing here is persisted until the loop ends; a crash
 * throws it away and the turn is redone from its inbox messages.
 */
record TurnAttempt(
    long turnId,
    int attempt,
    List<UserLine> user,
    List<ChatMessage> prompt,
    int modelCalls,
    List<ToolCall> pendingCalls,
    List<ToolCallRecord> calls) {

  static TurnAttempt start(
      long turnId, int attempt, List<UserLine> user, List<ChatMessage> prompt) {
    return new TurnAttempt(turnId, attempt, user, List.copyOf(prompt), 0, List.of(), List.of());
  }

  boolean is(long otherTurnId, int otherAttempt) {
    return turnId == otherTurnId && attempt == otherAttempt;
  }

  List<String> messageIds() {
    return user.stream().map(UserLine::id).toList();
  }

  /** The next request to the model; counts it as one more round. */
  TurnAttempt asked() {
    return new TurnAttempt(turnId, attempt, user, prompt, modelCalls + 1, pendingCalls, calls);
  }

  ChatRequest request(List<ToolSpec> tools) {
    return new ChatRequest(prompt, tools);
  }

  /** The model asked for tools: its message joins the prompt and the calls wait for results. */
  TurnAttempt wantsTools(ChatResponse response) {
    List<ChatMessage> next = new ArrayList<>(prompt);
    next.add(ChatMessage.assistant(response.content(), response.toolCalls()));
    return new TurnAttempt(turnId, attempt, user, next, modelCalls, response.toolCalls(), calls);
  }

  /** The pending calls have results (same order): they join the prompt and the record. */
  TurnAttempt toolsAnswered(List<String> results) {
    List<ChatMessage> next = new ArrayList<>(prompt);
    List<ToolCallRecord> records = new ArrayList<>(calls);
    for (int i = 0; i < pendingCalls.size(); i++) {
      ToolCall call = pendingCalls.get(i);
      String result = i < results.size() ? results.get(i) : "error: no result";
      next.add(ChatMessage.toolResult(call.id(), call.name(), result));
      records.add(new ToolCallRecord(modelCalls, call.id(), call.name(), call.arguments(), result));
    }
    return new TurnAttempt(turnId, attempt, user, next, modelCalls, List.of(), records);
  }
}
