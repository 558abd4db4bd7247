package dev.parley.conversation;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import dev.parley.llm.ToolSpec;
import dev.parley.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * The progress of one attempt at a turn, kept in memory only: the prompt so far, the model calls
 * made, the tool calls asked and answered, the tokens they took and which model answered last.
 * Nothing here is persisted until the loop ends; a crash throws it away and the turn is redone from
 * its inbox messages.
 */
record TurnAttempt(
    long turnId,
    int attempt,
    List<UserLine> user,
    List<ChatMessage> prompt,
    int modelCalls,
    List<ToolCall> pendingCalls,
    List<ToolCallRecord> calls,
    Usage usage,
    String model) {

  static TurnAttempt start(
      long turnId, int attempt, List<UserLine> user, List<ChatMessage> prompt) {
    return new TurnAttempt(
        turnId, attempt, user, List.copyOf(prompt), 0, List.of(), List.of(), null, null);
  }

  /** The model answered: its tokens join the turn's, and it is the model that answered last. */
  TurnAttempt answered(ChatResponse response) {
    Usage sum =
        response.usage() == null
            ? usage
            : (usage == null ? Usage.NONE : usage).plus(response.usage());
    String by = response.model() == null ? model : response.model();
    return new TurnAttempt(turnId, attempt, user, prompt, modelCalls, pendingCalls, calls, sum, by);
  }

  boolean is(long otherTurnId, int otherAttempt) {
    return turnId == otherTurnId && attempt == otherAttempt;
  }

  List<String> messageIds() {
    return user.stream().map(UserLine::id).toList();
  }

  /** The next request to the model; counts it as one more round. */
  TurnAttempt asked() {
    return new TurnAttempt(
        turnId, attempt, user, prompt, modelCalls + 1, pendingCalls, calls, usage, model);
  }

  ChatRequest request(List<ToolSpec> tools) {
    return new ChatRequest(prompt, tools);
  }

  /** The model asked for tools: its message joins the prompt and the calls wait for results. */
  TurnAttempt wantsTools(ChatResponse response) {
    List<ChatMessage> next = new ArrayList<>(prompt);
    next.add(ChatMessage.assistant(response.content(), response.toolCalls()));
    return new TurnAttempt(
        turnId, attempt, user, next, modelCalls, response.toolCalls(), calls, usage, model);
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
    return new TurnAttempt(
        turnId, attempt, user, next, modelCalls, List.of(), records, usage, model);
  }
}
