package dev.parley.conversation;

import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import dev.parley.text.Utf16;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the turn loop writes to the journal, decided from the state and the attempt: which turn
 * starts next, the turn's completion or failure, and the question a turn parks on. Functions of
 * their arguments, the settings and the clock; nothing here runs a call.
 */
final class TurnRecords {
  // How much of a call's arguments the confirmation question quotes (characters).
  private static final int MAX_QUESTION_ARGUMENTS = 301;
  // Ends a reply cut to max-reply-chars.
  private static final String REPLY_CUT = "… (reply cut: too long)";

  private final ConversationSettings settings;
  private final Clock clock;

  TurnRecords(ConversationSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The next turn to start, or null. A turn recorded as running with nothing in memory was cut off
   * (crash, hand-off): it is tried again, unless it already had every attempt. A new turn takes the
   * inbox's oldest message ({@code queue}), or every waiting one up to max-inbox ({@code
   * coalesce}).
   */
  TurnStarted nextStart(ConversationState state) {
    var running = state.running();
    if (running != null) {
      // A hand-off (interrupted) is no crash: the same attempt number is tried again.
      int next = running.interrupted() ? running.attempt() : running.attempt() + 1;
      return next > settings.maxAttempts()
          ? null
          : new TurnStarted(running.turnId(), running.messageIds(), next, clock.instant());
    }
    if (state.inbox().isEmpty()) {
      return null;
    }
    // The ids go into TurnStarted before the model is called, so a redo after a crash takes the
    // same messages; one arriving while the turn runs waits for the next turn.
    int take =
        settings.inboxPolicy() == ConversationSettings.InboxPolicy.COALESCE
            ? Math.max(1, Math.min(state.inbox().size(), settings.maxInbox()))
            : 1;
    List<String> ids = state.inbox().subList(0, take).stream().map(UserLine::id).toList();
    return new TurnStarted(state.nextTurnId(), ids, 1, clock.instant());
  }

  /**
   * The first attempt of a new turn that takes {@code messageId} alone: what {@link #nextStart}
   * gives once that message is the only one waiting, under either inbox policy.
   */
  TurnStarted startFor(ConversationState state, String messageId) {
    return new TurnStarted(state.nextTurnId(), List.of(messageId), 1, clock.instant());
  }

  /** The attempt completed with {@code reply}, cut to max-reply-chars. */
  TurnCompleted completed(TurnAttempt attempt, String reply) {
    return new TurnCompleted(
        attempt.turnId(),
        attempt.user(),
        attempt.calls(),
        Utf16.cut(reply, settings.maxReplyChars(), REPLY_CUT),
        clock.instant(),
        attempt.usage(),
        attempt.model());
  }

  /** The attempt failed; the user gets the failure notice. */
  TurnFailed failed(TurnAttempt attempt, String code, String reason) {
    return new TurnFailed(
        attempt.turnId(),
        attempt.messageIds(),
        code,
        reason,
        settings.failureNotice(),
        clock.instant());
  }

  /** What a turn parked on {@code asks} needs to resume, and the question to ask. */
  PendingConfirmation question(TurnAttempt attempt, ChatResponse response, ToolCall asks) {
    String arguments =
        asks.arguments() == null ? "{}" : Utf16.cut(asks.arguments(), MAX_QUESTION_ARGUMENTS, "…");
    ReplyAddress address = attempt.user().isEmpty() ? null : attempt.user().get(0).address();
    // Turn and round say what is asked; the random tail tells apart a question asked again (a
    // redo after a crash, or the same turn id after an erasure), so a stale press of an earlier
    // question's button, which a channel may deliver again days later, counts for nothing.
    String confirmationId =
        "t"
            + attempt.turnId()
            + "r"
            + attempt.modelCalls()
            + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return new PendingConfirmation(
        confirmationId,
        attempt.turnId(),
        attempt.attempt(),
        attempt.user(),
        attempt.calls(),
        attempt.modelCalls(),
        response.content(),
        response.toolCalls().stream()
            .map(c -> new PendingConfirmation.RequestedCall(c.id(), c.name(), c.arguments()))
            .toList(),
        String.format(settings.confirmQuestion(), asks.name(), arguments),
        address == null ? null : address.userId(),
        clock.instant().plus(settings.confirmationTimeout()),
        attempt.usage(),
        attempt.model());
  }
}
