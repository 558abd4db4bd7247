package dev.parley.conversation;

import dev.parley.conversation.InternalCommand.ConfirmationTimedOut;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The parked question's timeout: armed when a turn parks (and again after a restart) for what is
 * left of it, or due at once when nothing is left; cancelled once the question is resolved.
 */
record ConfirmationTimer(
    ActorContext<ConversationCommand> context,
    TimerScheduler<ConversationCommand> timers,
    Clock clock) {

  void arm(ConversationState state) {
    PendingConfirmation pending = state.pendingConfirmation();
    Duration left = Duration.between(clock.instant(), pending.expiresAt());
    ConfirmationTimedOut timeout = new ConfirmationTimedOut(pending.confirmationId());
    if (left.isNegative() || left.isZero()) {
      context.getSelf().tell(timeout);
    } else {
      timers.startSingleTimer(TimerKey.CONFIRMATION, timeout, left);
    }
  }

  void cancel() {
    timers.cancel(TimerKey.CONFIRMATION);
  }
}
