package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.Ask;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.InternalCommand.DeliveryFinished;
import dev.parley.conversation.InternalCommand.EraseFinished;
import dev.parley.conversation.InternalCommand.ResolveRejection;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A conversation's erasure from the {@code Erase} that starts it to the {@link EraseFinished} that
 * ends it, and what the entity does in between ({@link Phase#ERASING}): nothing may be persisted,
 * so asks are refused (retryable) and results of dropped work are let go. A committed erasure
 * passivates the entity; a failed one takes up the dropped work again.
 */
final class ErasingPhase {
  private final ActorContext<ConversationCommand> context;
  private final TimerScheduler<ConversationCommand> timers;
  private final String key;
  private final Erasure erasure;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final OutcomeWaiters waiters;
  private final IdleTimer idle;
  private final Passivation passivation;
  private final IncarnationSignals signals;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  ErasingPhase(
      String key,
      ActorContext<ConversationCommand> context,
      TimerScheduler<ConversationCommand> timers,
      Erasure erasure,
      TurnRunner runner,
      DeliveryRunner delivery,
      OutcomeWaiters waiters,
      IdleTimer idle,
      Passivation passivation,
      IncarnationSignals signals,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.timers = timers;
    this.erasure = erasure;
    this.runner = runner;
    this.delivery = delivery;
    this.waiters = waiters;
    this.idle = idle;
    this.passivation = passivation;
    this.signals = signals;
    this.effect = effect;
  }

  /** The work in flight is dropped, then the rows are deleted; the entity stops once they are. */
  ReplyEffect<ConversationEvent, ConversationState> onErase(ConversationState state, Erase cmd) {
    runner.abandon();
    delivery.abandon();
    timers.cancel(TimerKey.CONFIRMATION);
    waiters.abandonAll(ConversationError.ERASED);
    erasure.start(cmd.replyTo());
    return effect.noReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onEraseFinished(
      ConversationState state, EraseFinished cmd) {
    if (cmd.error() != null) {
      // Take up the work dropped at the start again, here (passivating would drop the
      // conversation from remember-entities with work pending).
      erasure.failed(cmd.error());
      context.getSelf().tell(Advance.INSTANCE);
      return effect.reply(cmd.replyTo(), ConversationError.ERASE_FAILED.reply());
    }
    // The next incarnation recovers an empty journal.
    passivation.passivate();
    return effect.reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
  }

  <R> ReplyEffect<ConversationEvent, ConversationState> refuse(
      ConversationState state, Ask<R> cmd) {
    return effect.reply(cmd.replyTo(), ConversationError.ERASING.reply());
  }

  ReplyEffect<ConversationEvent, ConversationState> onGet(
      ConversationState state, GetConversation cmd) {
    idle.armIfIdle(state);
    return effect.reply(cmd.replyTo(), ConversationPage.erasing(key));
  }

  /**
   * Nothing may be persisted now. The runner is free again: a failed erasure resumes with Advance,
   * which sends the reply again; a successful one leaves nothing to send.
   */
  ReplyEffect<ConversationEvent, ConversationState> onDeliveryFinished(
      ConversationState state, DeliveryFinished cmd) {
    delivery.release(cmd);
    return effect.noReply();
  }

  /** A refused write's command is answered as refused now: nothing may replace it while erasing. */
  ReplyEffect<ConversationEvent, ConversationState> onResolveRejection(
      ConversationState state, ResolveRejection cmd) {
    var rejection = signals.resolving();
    if (rejection == null) {
      return effect.noReply();
    }
    RejectionFlow.refuse(rejection.command(), ConversationError.ERASING);
    return effect.noReply().thenUnstashAll();
  }
}
