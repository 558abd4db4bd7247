package dev.parley.conversation;

import dev.parley.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What a conversation records in its journal. Events are forever: add fields as optional, and
 * rename or restructure only with a JacksonMigration. Times come from the entity's injected clock,
 * never from the event handler.
 */
public sealed interface ConversationEvent extends CborSerializable {
  Instant at();

  /** A message entered the inbox: the durable receipt the sender was acknowledged with. */
  record MessageAccepted(String messageId, String text, String sender, Instant at)
      implements ConversationEvent {}

  /** A message was received but will start no turn (inbox full); the user got a notice. */
  record MessageRejected(String messageId, String reason, String notice, Instant at)
      implements ConversationEvent {}

  /** A turn (its attempt'th try) is about to call the model for the given messages. */
  record TurnStarted(long turnId, List<String> messageIds, int attempt, Instant at)
      implements ConversationEvent {}

  /** The tool-call loop ended with a reply: the whole turn enters the history at once. */
  record TurnCompleted(
      long turnId, List<UserLine> user, List<ToolCallRecord> toolCalls, String reply, Instant at)
      implements ConversationEvent {}

  /** The turn gave up (model failed, watchdog, crash loop); the user got {@code notice}. */
  record TurnFailed(
      long turnId, List<String> messageIds, String code, String reason, String notice, Instant at)
      implements ConversationEvent {}
}
