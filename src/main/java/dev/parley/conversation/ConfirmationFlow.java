package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.conversation.ConversationEvent.ConfirmationResolved;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.InternalCommand.ConfirmationTimedOut;
import dev.parley.metrics.ConversationMetrics.Receipt;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * A turn waiting for the user's yes or no to a tool call. The question is persisted with everything
 * needed to resume, so a restart or a rebalance keeps it; it is resolved by a button press, a
 * "yes"/"no" message, any other message from the user it asked (a refusal: they moved on), or its
 * timeout. In a group only the user who asked counts. Its handlers are the awaiting-confirmation
 * phase's (see {@link Phase}).
 */
final class ConfirmationFlow {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ConfirmationTimer timer;
  private final ConversationDeps deps;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  ConfirmationFlow(
      String key,
      ActorContext<ConversationCommand> context,
      ConfirmationTimer timer,
      ConversationDeps deps,
      TurnRunner runner,
      DeliveryRunner delivery,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.timer = timer;
    this.deps = deps;
    this.runner = runner;
    this.delivery = delivery;
    this.effect = effect;
  }

  /**
   * An {@code Advance} while parked (after a restart, or a failed erasure): what waits in the
   * outbox goes out, and the question's timer runs again, or its timeout comes now.
   */
  ReplyEffect<ConversationEvent, ConversationState> onAdvance(
      ConversationState state, Advance cmd) {
    delivery.kick(state);
    timer.arm(state);
    return effect.noReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onPress(
      ConversationState state, PressButton cmd) {
    PendingConfirmation pending = state.pendingConfirmation();
    boolean yes = pending != null && cmd.data().equals(pending.buttonData(true));
    boolean no = pending != null && cmd.data().equals(pending.buttonData(false));
    if (!yes && !no) {
      return effect.reply(cmd.replyTo(), StatusReply.success("expired"));
    }
    if (pending.askedUserId() != null && !pending.askedUserId().equals(cmd.userId())) {
      return effect.reply(cmd.replyTo(), StatusReply.success("not-yours"));
    }
    return resolve(state, yes, "button", null)
        .thenReply(cmd.replyTo(), next -> StatusReply.success("accepted"));
  }

  ReplyEffect<ConversationEvent, ConversationState> onTimeout(
      ConversationState state, ConfirmationTimedOut cmd) {
    if (!state.pendingConfirmation().confirmationId().equals(cmd.confirmationId())) {
      return effect.noReply(); // the timer of a question asked before
    }
    return resolve(state, false, "timeout", null).thenNoReply();
  }

  /**
   * A message from the user asked: "yes"/"no" answers and joins the turn; anything else refuses the
   * call (the user moved on) and waits in the inbox for its own turn.
   */
  ReplyEffect<ConversationEvent, ConversationState> onMessage(
      ConversationState state, AcceptMessage cmd, MessageAccepted receipt) {
    Optional<Boolean> said = PendingConfirmation.yesOrNo(cmd.text());
    boolean yes = said.orElse(false);
    boolean answered = said.isPresent();
    PendingConfirmation pending = state.pendingConfirmation();
    ConfirmationResolved resolved =
        new ConfirmationResolved(
            pending.confirmationId(),
            yes,
            answered ? "answered" : "moved-on",
            answered ? cmd.messageId() : null,
            deps.clock().instant());
    UserLine answer =
        answered ? new UserLine(cmd.messageId(), cmd.text(), cmd.sender(), cmd.address()) : null;
    return effect
        .persist(List.of(receipt, resolved))
        .thenRun(
            next -> {
              // Counted once stored: a receipt whose write fails is sent again and counted then.
              deps.metrics().receipt(Receipt.ACCEPTED);
              deps.metrics().inboxDepthChanged(1);
              resumed(next, pending, resolved, answer);
            })
        .thenReply(
            cmd.replyTo(), next -> StatusReply.success(new Accepted(cmd.messageId(), false)));
  }

  private EffectBuilder<ConversationEvent, ConversationState> resolve(
      ConversationState state, boolean approved, String reason, String answerMessageId) {
    PendingConfirmation pending = state.pendingConfirmation();
    ConfirmationResolved resolved =
        new ConfirmationResolved(
            pending.confirmationId(), approved, reason, answerMessageId, deps.clock().instant());
    return effect.persist(resolved).thenRun(next -> resumed(next, pending, resolved, null));
  }

  private void resumed(
      ConversationState next,
      PendingConfirmation pending,
      ConfirmationResolved resolved,
      UserLine answer) {
    timer.cancel();
    context
        .getLog()
        .info(
            "{}: confirmation {} {} ({})",
            key,
            pending.confirmationId(),
            resolved.approved() ? "given" : "refused",
            resolved.reason());
    runner.resume(next, pending, resolved.approved(), answer);
    delivery.startTyping(runner.address());
  }
}
