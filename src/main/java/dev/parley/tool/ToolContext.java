package dev.parley.tool;

import java.util.concurrent.Executor;

/**
 * What a tool call knows of its surroundings: the conversation key, an idempotency key built from
 * conversation, turn, model round and the call's position in that round (stable across a redo of
 * the same turn that asks the same calls, unique within a turn), and the executor for blocking
 * work.
 */
public record ToolContext(
    String conversationKey, String idempotencyKey, Executor blockingExecutor) {}
