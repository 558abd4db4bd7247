package dev.parley.conversation;

import dev.parley.conversation.InternalCommand.IdleTimeout;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Arms the idle timer whenever a conversation has nothing to do: remember-entities switches off
 * sharding's own passivation, so an entity passivates itself once idle a while ({@code
 * passivate-idle-after}). Arming it again pushes the deadline back.
 */
final class IdleTimer {
  private final TimerScheduler<ConversationCommand> timers;
  private final Duration after;

  IdleTimer(TimerScheduler<ConversationCommand> timers, Duration after) {
    this.timers = timers;
    this.after = after;
  }

  void armIfIdle(ConversationState state) {
    if (state.isIdle()) {
      timers.startSingleTimer(TimerKey.IDLE, IdleTimeout.INSTANCE, after);
    }
  }
}
