package dev.parley.tool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code clear_history}: the conversation's earlier turns leave what the model and the chat API see
 * once the current turn completes (the conversation records that with the turn). The memory of
 * {@link MemoryTools} is kept. It needs the user's yes unless an operator's policy says otherwise
 * ({@link ConfirmationPolicy}).
 */
public final class ClearHistoryTool implements Tool {
  static final String NAME = "clear_history";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Erases the earlier turns of this conversation from what you see from now on (the"
        + " remembered facts stay). Only when the user asks for it.";
  }

  @Override
  public String parametersSchema() {
    return "{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}";
  }

  @Override
  public CompletionStage<String> call(String argumentsJson, ToolContext context) {
    context.changes().clearHistory();
    return CompletableFuture.completedFuture(
        "history cleared: the earlier turns are gone once this turn ends; remembered facts stay");
  }
}
