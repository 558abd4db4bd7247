package dev.parley.conversation;

import dev.parley.conversation.InternalCommand.DeliveryFinished;
import dev.parley.conversation.InternalCommand.Typing;
import java.time.Clock;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The outbox's commands outside the erasing phase: what a finished send records (delivered or
 * abandoned) before the next reply goes out, a retry after a failed send, and the "typing…"
 * refresh. The sending itself is {@link DeliveryRunner}'s; this class decides what is persisted.
 */
final class DeliveryFlow {
  private final DeliveryRunner delivery;
  private final TurnRunner runner;
  private final IdleTimer idle;
  private final Clock clock;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  DeliveryFlow(
      DeliveryRunner delivery,
      TurnRunner runner,
      IdleTimer idle,
      Clock clock,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.delivery = delivery;
    this.runner = runner;
    this.idle = idle;
    this.clock = clock;
    this.effect = effect;
  }

  ReplyEffect<ConversationEvent, ConversationState> onFinished(
      ConversationState state, DeliveryFinished cmd) {
    ConversationEvent recorded = delivery.onFinished(cmd, clock.instant());
    if (recorded == null) {
      return effect.noReply();
    }
    return effect
        .persist(recorded)
        .thenRun(
            next -> {
              delivery.kick(next);
              idle.armIfIdle(next);
            })
        .thenNoReply();
  }

  /** Sends the head of the outbox unless a send is under way (also a running turn's Advance). */
  ReplyEffect<ConversationEvent, ConversationState> onRetry(
      ConversationState state, ConversationCommand cmd) {
    delivery.kick(state);
    return effect.noReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onTyping(ConversationState state, Typing cmd) {
    delivery.refreshTyping(runner.address());
    return effect.noReply();
  }
}
