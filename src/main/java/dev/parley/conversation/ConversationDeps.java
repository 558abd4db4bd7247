package dev.parley.conversation;

import dev.parley.llm.ModelClient;
import dev.parley.metrics.ConversationMetrics;
import dev.parley.tool.ToolRegistry;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every conversation entity is built with: the model, the tools, the eraser, the clock that
 * stamps events, the executor for blocking tool work, the settings, the channels' reply senders and
 * where the entity reports its metrics.
 */
public record ConversationDeps(
    ConversationSettings settings,
    ModelClient model,
    ToolRegistry tools,
    ConversationEraser eraser,
    Clock clock,
    Executor blockingExecutor,
    ReplySenders senders,
    ConversationMetrics metrics) {
  public ConversationDeps(
      ConversationSettings settings,
      ModelClient model,
      ToolRegistry tools,
      ConversationEraser eraser,
      Clock clock,
      Executor blockingExecutor) {
    this(settings, model, tools, eraser, clock, blockingExecutor, ReplySenders.none());
  }

  public ConversationDeps(
      ConversationSettings settings,
      ModelClient model,
      ToolRegistry tools,
      ConversationEraser eraser,
      Clock clock,
      Executor blockingExecutor,
      ReplySenders senders) {
    this(
        settings, model, tools, eraser, clock, blockingExecutor, senders, ConversationMetrics.NONE);
  }
}
