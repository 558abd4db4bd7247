package dev.parley.tool;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a tool call knows of its surroundings: the conversation key, an idempotency key built from
 * conversation, turn, model round and the call's position in that round (stable across a redo of
 * the same turn that asks the same calls, unique within a turn), the executor for blocking work,
 * and what the built-in tools may change in the conversation during this turn ({@link TurnChanges}:
 * its memory, and whether its earlier turns are cleared). A context built without the latter (a
 * test, a tool called outside a turn) gets an empty one that nothing reads back.
 */
public record ToolContext(
    String conversationKey, String idempotencyKey, Executor blockingExecutor, TurnChanges changes) {

  public ToolContext {
    if (changes == null) {
      changes = new TurnChanges(List.of(), MemoryLimits.DEFAULT);
    }
  }

  public ToolContext(String conversationKey, String idempotencyKey, Executor blockingExecutor) {
    this(conversationKey, idempotencyKey, blockingExecutor, null);
  }
}
