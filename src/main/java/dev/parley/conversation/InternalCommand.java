package dev.parley.conversation;

import dev.parley.llm.ChatResponse;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The commands a conversation entity only ever sends itself: results of the work it started off its
 * thread (through {@code pipeToSelf}) and its timers. They never cross a node, so they are private
 * to this package; the results carry the turn id and attempt (or the send's generation), so a late
 * answer of abandoned work is ignored.
 */
sealed interface InternalCommand extends ConversationCommand {

  /** The model answered a call of attempt {@code attempt} of turn {@code turnId}. */
  record ModelAnswered(long turnId, int attempt, ChatResponse response)
      implements InternalCommand {}

  /** A model call failed for good ({@code code}: the model client's error code). */
  record ModelFailed(long turnId, int attempt, String code, String reason)
      implements InternalCommand {}

  /** Every tool call of one model round ended: results in the order of the calls. */
  record ToolsFinished(long turnId, int attempt, List<String> results) implements InternalCommand {}

  /** The watchdog of one attempt fired ({@link TimerKey#TURN_WATCHDOG}). */
  record TurnTimedOut(long turnId, int attempt) implements InternalCommand {}

  /** The parked turn's question went unanswered for too long ({@link TimerKey#CONFIRMATION}). */
  record ConfirmationTimedOut(String confirmationId) implements InternalCommand {}

  /**
   * How send number {@code generation} of a reply ended, ignored unless that send is under way;
   * also what the send's watchdog sends (as an error) when no result came in time.
   */
  record DeliveryFinished(String replyId, long generation, DeliveryResult result, String error)
      implements InternalCommand {}

  /** Try the head of the outbox again after a failed send ({@link TimerKey#DELIVERY_RETRY}). */
  enum RetryDelivery implements InternalCommand {
    INSTANCE
  }

  /** Refresh the channel's "typing…" while a turn runs ({@link TimerKey#TYPING}). */
  enum Typing implements InternalCommand {
    INSTANCE
  }

  /** The idle timer fired: passivate if there is still nothing to do ({@link TimerKey#IDLE}). */
  enum IdleTimeout implements InternalCommand {
    INSTANCE
  }

  /**
   * After a restart caused by the journal refusing an event: record a handled failure in place of
   * what was refused (see {@link RejectedWrites}).
   */
  enum ResolveRejection implements InternalCommand {
    INSTANCE
  }

  /** The eraser's transaction ended; {@code error} is null when it committed. */
  record EraseFinished(ActorRef<StatusReply<Done>> replyTo, String error)
      implements InternalCommand {}
}
