package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.ConfirmationResolved;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.InternalCommand.ConfirmationTimedOut;
import dev.parley.metrics.ConversationMetrics.Receipt;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
  private static final Set<String> YES = Set.of("yes", "y", "ok", "okay", "sure", "go ahead");
  private static final Set<String> NO = Set.of("no", "n", "nope", "cancel", "stop");

  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final TimerScheduler<ConversationCommand> timers;
  private final ConversationDeps deps;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  ConfirmationFlow(
      String key,
      ActorContext<ConversationCommand> context,
      TimerScheduler<ConversationCommand> timers,
      ConversationDeps deps,
      TurnRunner runner,
      DeliveryRunner delivery,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.runner = runner;
    this.delivery = delivery;
    this.effect = effect;
  }

  /** The model asked for a tool that needs a yes: park the turn and ask. */
  ReplyEffect<ConversationEvent, ConversationState> park(ConfirmationRequested asked) {
    context.getLog().info("{}: turn {} waits for confirmation", key, asked.request().turnId());
    // What the tools changed so far is stored with the question: the resumed turn starts from it.
    List<ConversationEvent> events = runner.recorded(asked);
    runner.park();
    delivery.stopTyping();
    return effect
        .persist(events)
        .thenRun(
            next -> {
              arm(next);
              delivery.kick(next);
            })
        .thenNoReply();
  }

  /**
   * An {@code Advance} while parked (after a restart, or a failed erasure): what waits in the
   * outbox goes out, and the question's timer runs again, or its timeout comes now.
   */
  ReplyEffect<ConversationEvent, ConversationState> onAdvance(
      ConversationState state, Advance cmd) {
    delivery.kick(state);
    arm(state);
    return effect.noReply();
  }

  private void arm(ConversationState state) {
    PendingConfirmation pending = state.pendingConfirmation();
    Duration left = Duration.between(deps.clock().instant(), pending.expiresAt());
    ConfirmationTimedOut timeout = new ConfirmationTimedOut(pending.confirmationId());
    if (left.isNegative() || left.isZero()) {
      context.getSelf().tell(timeout);
    } else {
      timers.startSingleTimer(TimerKey.CONFIRMATION, timeout, left);
    }
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

  /** Whether a new message answers the parked question (it comes from the user asked). */
  boolean answers(ConversationState state, AcceptMessage cmd) {
    PendingConfirmation pending = state.pendingConfirmation();
    if (pending == null) {
      return false;
    }
    String from = cmd.address() == null ? null : cmd.address().userId();
    return pending.askedUserId() == null || pending.askedUserId().equals(from);
  }

  /** Whether a new message is the asked user's "yes" or "no" (not a message moving on). */
  boolean answersYesOrNo(ConversationState state, AcceptMessage cmd) {
    if (!answers(state, cmd)) {
      return false;
    }
    String said = answerWords(cmd.text());
    return YES.contains(said) || NO.contains(said);
  }

  /**
   * A message from the user asked: "yes"/"no" answers and joins the turn; anything else refuses the
   * call (the user moved on) and waits in the inbox for its own turn.
   */
  ReplyEffect<ConversationEvent, ConversationState> onMessage(
      ConversationState state, AcceptMessage cmd, MessageAccepted receipt) {
    String said = answerWords(cmd.text());
    boolean yes = YES.contains(said);
    boolean answered = yes || NO.contains(said);
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

  /**
   * The words of an answer, without what addresses the bot in a group ("@bot yes", "/yes@bot") or
   * closing punctuation: "@parley_bot Yes!" is "yes".
   */
  static String answerWords(String text) {
    return text.trim()
        .toLowerCase(Locale.ROOT)
        .replaceAll("^(@\\w+[\\s,:]*)+", "")
        .replaceAll("^/(\\w+)@\\w+", "$1")
        .replaceAll("^/", "")
        .replaceAll("[.!?]+$", "")
        .trim();
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
    timers.cancel(TimerKey.CONFIRMATION);
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
