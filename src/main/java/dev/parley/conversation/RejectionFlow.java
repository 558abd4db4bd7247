package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.Ask;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.conversation.ConversationCommand.RecordNote;
import dev.parley.conversation.ConversationCommand.RejectMessage;
import dev.parley.conversation.ConversationCommand.UpdateDeliveryStatus;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.RejectedWrites.Rejection;
import dev.parley.metrics.ConversationMetrics.Receipt;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * What a restarted conversation does about a write the journal refused: it stores a handled failure
 * in its place (the message rejected with a notice, the turn failed with a notice), answers the
 * command that was waiting, and goes on with its inbox. The conversation never stops over it, and a
 * refused turn is not redone: redoing it would only be refused again.
 */
final class RejectionFlow {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ConversationDeps deps;
  private final DeliveryRunner delivery;
  private final TurnEndFollowUp turnEnd;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  RejectionFlow(
      String key,
      ActorContext<ConversationCommand> context,
      ConversationDeps deps,
      DeliveryRunner delivery,
      TurnEndFollowUp turnEnd,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.deps = deps;
    this.delivery = delivery;
    this.turnEnd = turnEnd;
    this.effect = effect;
  }

  /**
   * Records the replacement of {@code rejection}, answers its command and goes on; the commands
   * stashed meanwhile are unstashed afterwards. A refused {@code Stop} stops, a given-up rejection
   * only answers.
   */
  ReplyEffect<ConversationEvent, ConversationState> resolve(
      ConversationState state, Rejection rejection) {
    if (rejection.command() instanceof ConversationCommand.Stop) {
      // Its TurnInterrupted was refused: the next owner redoes the turn as after a crash.
      context.getLog().error("{}: the journal refused the hand-off record; stopping", key);
      return effect.stop().thenNoReply();
    }
    if (rejection.givenUp()) {
      context
          .getLog()
          .error(
              "{}: the journal refused {} ({}, message {}), and what was to replace it too; giving"
                  + " up on it",
              key,
              names(rejection.events()),
              rejection.cause(),
              rejection.messageId());
      refuse(rejection.command(), ConversationError.UNSTORABLE);
      return effect.noReply().thenUnstashAll();
    }
    List<ConversationEvent> instead =
        rejection.replacement(
            state,
            deps.settings().unstorableNotice(),
            deps.settings().failureNotice(),
            deps.clock().instant());
    context
        .getLog()
        .error(
            "{}: the journal refused {} ({}, message {}); recorded instead: {}",
            key,
            names(rejection.events()),
            rejection.cause(),
            rejection.messageId(),
            names(instead));
    if (instead.isEmpty()) {
      answer(rejection.command());
      return effect.noReply().thenUnstashAll();
    }
    return effect
        .persist(instead)
        .thenRun(
            next -> {
              for (ConversationEvent event : instead) {
                if (event instanceof MessageRejected) {
                  deps.metrics().receipt(Receipt.REJECTED);
                } else if (event instanceof TurnFailed failed) {
                  turnEnd.run(next, failed);
                }
              }
              answer(rejection.command());
              delivery.kick(next);
              context.getSelf().tell(Advance.INSTANCE);
            })
        .thenNoReply()
        .thenUnstashAll();
  }

  /** Answers the command that owes a reply with an error (a sender retries past it). */
  static void refuse(ConversationCommand command, ConversationError error) {
    if (command instanceof Ask<?> ask) {
      refuse(ask, error);
    }
  }

  private static <R> void refuse(Ask<R> ask, ConversationError error) {
    ask.replyTo().tell(error.reply());
  }

  /**
   * The reply the refused command still owes: what the sender would have got for a message that
   * starts no turn, so that it does not send the same thing again.
   */
  private static void answer(ConversationCommand command) {
    if (command instanceof AcceptMessage a) {
      a.replyTo().tell(StatusReply.success(new Accepted(a.messageId(), false)));
    } else if (command instanceof RejectMessage r) {
      r.replyTo().tell(StatusReply.success(new Accepted(r.messageId(), false)));
    } else if (command instanceof UpdateDeliveryStatus u) {
      u.replyTo().tell(StatusReply.success(Done.getInstance()));
    } else if (command instanceof RecordNote n) {
      n.replyTo().tell(StatusReply.success(Done.getInstance()));
    } else if (command instanceof PressButton p) {
      p.replyTo().tell(StatusReply.success("expired"));
    }
  }

  private static List<String> names(List<ConversationEvent> events) {
    return events.stream().map(e -> e.getClass().getSimpleName()).toList();
  }
}
