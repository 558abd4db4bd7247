package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.InternalCommand.ModelAnswered;
import dev.parley.conversation.InternalCommand.ModelFailed;
import dev.parley.conversation.InternalCommand.ToolsFinished;
import dev.parley.conversation.InternalCommand.TurnTimedOut;
import dev.parley.metrics.ConversationMetrics.Receipt;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The inbox worked one turn at a time: what starts a turn (or resumes one cut off by a crash, or
 * gives up on it after max-attempts), what the model's and tools' answers do, and what ending a
 * turn records. The loop itself runs in {@link TurnRunner}; this class decides what the entity
 * persists. Its handlers are the idle and running phases' (see {@link Phase}): the entity only
 * calls them when no erasure runs and no question is parked. A turn leaves the running phase by its
 * end (stored, then followed up by {@link TurnEndFollowUp}) or by parking on a question (stored,
 * then the question's timer armed).
 */
final class TurnFlow {
  private final String key;
  private final ActorContext<ConversationCommand> context;
  private final ConversationDeps deps;
  private final ConversationSettings settings;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final ConfirmationTimer question;
  private final TurnEndFollowUp followUp;
  private final IdleTimer idle;
  private final EffectFactories<ConversationEvent, ConversationState> effect;

  TurnFlow(
      String key,
      ActorContext<ConversationCommand> context,
      ConversationDeps deps,
      TurnRunner runner,
      DeliveryRunner delivery,
      ConfirmationTimer question,
      TurnEndFollowUp followUp,
      IdleTimer idle,
      EffectFactories<ConversationEvent, ConversationState> effect) {
    this.key = key;
    this.context = context;
    this.deps = deps;
    this.settings = deps.settings();
    this.runner = runner;
    this.delivery = delivery;
    this.question = question;
    this.followUp = followUp;
    this.idle = idle;
    this.effect = effect;
  }

  /**
   * Idle: sends what waits in the outbox, then starts the next turn, or redoes the one a crash or a
   * hand-off cut off, or gives up on it after max-attempts; with nothing to do, arms the idle
   * timer.
   */
  ReplyEffect<ConversationEvent, ConversationState> onAdvance(
      ConversationState state, Advance cmd) {
    delivery.kick(state);
    TurnStarted next = runner.nextStart(state);
    if (next == null && state.running() != null) {
      // The running turn was cut off by crashes maxAttempts times: give up on it with a notice.
      var running = state.running();
      context
          .getLog()
          .warn("{}: turn {} failed after {} attempts", key, running.turnId(), running.attempt());
      return endTurn(
          new TurnFailed(
              running.turnId(),
              running.messageIds(),
              "crash-loop",
              "the turn was cut off " + running.attempt() + " times",
              settings.failureNotice(),
              deps.clock().instant()));
    }
    if (next == null) {
      idle.armIfIdle(state);
      return effect.noReply();
    }
    return effect
        .persist(next)
        .thenRun(
            started -> {
              runner.begin(started);
              delivery.startTyping(runner.address());
            })
        .thenNoReply();
  }

  /**
   * Idle, and {@code receipt} starts a turn at once ({@link MessageIntake#startsTurn}): the receipt
   * and the turn's start are one write, so a turn costs one journal write (and one round trip
   * before the model is asked) less. The message is acknowledged once both are stored; a crash
   * after that resumes the turn as attempt 2, as it would after a separate start.
   */
  ReplyEffect<ConversationEvent, ConversationState> acceptAndStart(
      ConversationState state, AcceptMessage cmd, MessageAccepted receipt) {
    TurnStarted start = runner.startFor(state, receipt.messageId());
    return effect
        .persist(List.of(receipt, start))
        .thenRun(
            next -> {
              deps.metrics().receipt(Receipt.ACCEPTED);
              deps.metrics().inboxDepthChanged(1);
              delivery.kick(next);
              runner.begin(next);
              delivery.startTyping(runner.address());
            })
        .thenReply(
            cmd.replyTo(), next -> StatusReply.success(new Accepted(receipt.messageId(), false)));
  }

  ReplyEffect<ConversationEvent, ConversationState> onModelAnswered(
      ConversationState state, ModelAnswered cmd) {
    ConversationEvent next = runner.onModelAnswered(cmd);
    if (next instanceof ConfirmationRequested asked) {
      return park(asked);
    }
    return next == null ? effect.noReply() : endTurn(next);
  }

  ReplyEffect<ConversationEvent, ConversationState> onToolsFinished(
      ConversationState state, ToolsFinished cmd) {
    runner.onToolsFinished(cmd);
    return effect.noReply();
  }

  ReplyEffect<ConversationEvent, ConversationState> onModelFailed(
      ConversationState state, ModelFailed cmd) {
    TurnFailed failed = runner.onModelFailed(cmd);
    return failed == null ? effect.noReply() : endTurn(failed);
  }

  ReplyEffect<ConversationEvent, ConversationState> onTimedOut(
      ConversationState state, TurnTimedOut cmd) {
    TurnFailed failed = runner.onTimedOut(cmd);
    return failed == null ? effect.noReply() : endTurn(failed);
  }

  /**
   * Persists the turn's end; a completed turn's tool changes (memory) go in the same write, just
   * before it, and a failed turn's are dropped.
   */
  private ReplyEffect<ConversationEvent, ConversationState> endTurn(ConversationEvent end) {
    List<ConversationEvent> events =
        end instanceof TurnCompleted ? runner.recorded(end) : List.of(end);
    return effect.persist(events).thenRun(next -> followUp.run(next, end)).thenNoReply();
  }

  /** The model asked for a tool that needs a yes: park the turn and ask. */
  private ReplyEffect<ConversationEvent, ConversationState> park(ConfirmationRequested asked) {
    context.getLog().info("{}: turn {} waits for confirmation", key, asked.request().turnId());
    // What the tools changed so far is stored with the question: the resumed turn starts from it.
    List<ConversationEvent> events = runner.recorded(asked);
    runner.park();
    delivery.stopTyping();
    return effect
        .persist(events)
        .thenRun(
            next -> {
              question.arm(next);
              delivery.kick(next);
            })
        .thenNoReply();
  }
}
