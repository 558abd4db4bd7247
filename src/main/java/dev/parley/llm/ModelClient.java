package dev.parley.llm;

import java.util.concurrent.CompletionStage;

/**
 * An asynchronous chat-completions model. Implementations never block the caller's thread; a
 * failure (timeout, 5xx, unreadable answer) completes the stage exceptionally with a {@link
 * ModelException}.
 */
public interface ModelClient {
  CompletionStage<ChatResponse> complete(ChatRequest request);
}
