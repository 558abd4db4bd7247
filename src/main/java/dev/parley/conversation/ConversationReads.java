package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.conversation.RecentMessages.Entry;
import java.time.Clock;
import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The asks that persist nothing: a page of the conversation, a message's outcome (at once when
 * known, else once its turn ends, up to the waiters' cap), and a press on a button whose question
 * is gone. They are answered alike in every phase but erasing, which has its own page.
 */
final class ConversationReads {
  private final String key;
  private final OutcomeWaiters waiters;
  private final IdleTimer idle;
  private final Clock clock;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  ConversationReads(
      String key,
      OutcomeWaiters waiters,
      IdleTimer idle,
      Clock clock,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.waiters = waiters;
    this.idle = idle;
    this.clock = clock;
    this.effect = effect;
  }

  ReplyEffect<ConversationEvent, ConversationState> onAwait(
      ConversationState state, AwaitOutcome cmd) {
    Optional<Entry> found = state.recent().find(cmd.messageId());
    if (found.isEmpty()) {
      return effect.reply(cmd.replyTo(), ConversationError.UNKNOWN_MESSAGE.reply());
    }
    Entry entry = found.get();
    if (entry.outcome() != null) {
      return effect.reply(
          cmd.replyTo(), StatusReply.success(OutcomeWaiters.outcomeOf(state, entry)));
    }
    if (!waiters.add(cmd.messageId(), cmd.replyTo(), clock.instant().plus(cmd.maxWait()), clock)) {
      return effect.reply(cmd.replyTo(), ConversationError.TOO_MANY_WAITING.reply());
    }
    return effect.noReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onGet(
      ConversationState state, GetConversation cmd) {
    idle.armIfIdle(state);
    return effect.reply(cmd.replyTo(), ConversationPage.of(key, state, cmd));
  }

  ReplyEffect<ConversationEvent, ConversationState> onExpiredPress(
      ConversationState state, PressButton cmd) {
    return effect.reply(cmd.replyTo(), StatusReply.success("expired"));
  }
}
