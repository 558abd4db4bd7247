package dev.parley.conversation;

import java.util.concurrent.CompletionStage;

/**
 * The port a conversation sends its replies through; each channel implements it. {@code send}
 * splits the text to the channel's limits, paces, retries transient failures with backoff (obeying
 * 429 retry-after), and completes with a {@link DeliveryResult}. It may complete exceptionally when
 * it cannot finish now (shutting down, retries exhausted); the conversation then tries again later.
 * Never blocks the caller.
 */
public interface ReplySender {
  CompletionStage<DeliveryResult> send(OutboundReply reply);

  /** Best effort "typing…" while a turn runs; must never delay or fail a reply. */
  default void typing(String conversationKey, ReplyAddress address) {}
}
