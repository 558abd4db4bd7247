package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.metrics.ConversationMetrics;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What follows once a turn's end is stored, however it ended (the model's answer, a failure, a
 * timeout, or the failure recorded in place of a refused write): report it, answer its waiters,
 * send its reply, look for more work.
 */
record TurnEndFollowUp(
    ActorContext<ConversationCommand> context,
    ConversationMetrics metrics,
    TurnRunner runner,
    DeliveryRunner delivery,
    OutcomeWaiters waiters) {

  /**
   * {@code end} (a {@code TurnCompleted} or {@code TurnFailed}) is stored; {@code next} holds it.
   */
  void run(ConversationState next, ConversationEvent end) {
    List<String> ids =
        end instanceof TurnCompleted c
            ? c.user().stream().map(UserLine::id).toList()
            : ((TurnFailed) end).messageIds();
    runner.ended(end);
    metrics.inboxDepthChanged(-ids.size());
    delivery.stopTyping();
    waiters.resolve(next, ids);
    delivery.kick(next);
    context.getSelf().tell(Advance.INSTANCE);
  }
}
