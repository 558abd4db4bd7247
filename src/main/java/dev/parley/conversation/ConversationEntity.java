package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.PressButton;
import dev.parley.conversation.ConversationCommand.RecordNote;
import dev.parley.conversation.ConversationCommand.RejectMessage;
import dev.parley.conversation.ConversationCommand.Stop;
import dev.parley.conversation.ConversationCommand.UpdateDeliveryStatus;
import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.ConfirmationResolved;
import dev.parley.conversation.ConversationEvent.DeliveryStatusChanged;
import dev.parley.conversation.ConversationEvent.HistoryCleared;
import dev.parley.conversation.ConversationEvent.MemoryChanged;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.NoteRecorded;
import dev.parley.conversation.ConversationEvent.ReplyAbandoned;
import dev.parley.conversation.ConversationEvent.ReplyDelivered;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnInterrupted;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.InternalCommand.ConfirmationTimedOut;
import dev.parley.conversation.InternalCommand.DeliveryFinished;
import dev.parley.conversation.InternalCommand.EraseFinished;
import dev.parley.conversation.InternalCommand.IdleTimeout;
import dev.parley.conversation.InternalCommand.ModelAnswered;
import dev.parley.conversation.InternalCommand.ModelFailed;
import dev.parley.conversation.InternalCommand.ResolveRejection;
import dev.parley.conversation.InternalCommand.RetryDelivery;
import dev.parley.conversation.InternalCommand.ToolsFinished;
import dev.parley.conversation.InternalCommand.TurnTimedOut;
import dev.parley.conversation.InternalCommand.Typing;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.EventRejectedException;
import org.apache.pekko.persistence.typed.JournalPersistRejected;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One conversation: its mailbox serializes everything said in it. Accepting a message persists a
 * receipt before answering; the inbox is worked one turn at a time by {@link TurnRunner}; a turn
 * enters the journal only when its tool-call loop is over, as {@code TurnCompleted} or {@code
 * TurnFailed}. Unfinished work survives restarts: remember-entities brings the entity back, and
 * recovery resumes the inbox.
 *
 * <p>The command handler is a state machine over {@link Phase}: idle, running a turn, awaiting
 * confirmation, erasing; one handler block per phase, and what a phase does not handle is dropped
 * at the end of its block ({@link #ignore}), never by a flag tested in a helper. The phase is
 * computed for each command from the persisted state and two facts of this incarnation's memory (an
 * erasure in flight, a turn's calls in flight), not kept in the state's type: those two are not
 * persisted and must not be, since a recovered entity has neither until it starts them again. The
 * helpers each keep one concern and never call one another (where two phases meet, the handler here
 * composes them, or they share a leaf such as {@link ConfirmationTimer} or {@link
 * TurnEndFollowUp}): {@link MessageIntake} the front door, {@link TurnFlow} with {@link TurnRunner}
 * the turn loop, {@link ConfirmationFlow} the parked question, {@link DeliveryFlow} with {@link
 * DeliveryRunner} the outbox, {@link ConversationReads} the asks that persist nothing, {@link
 * ErasingPhase} with {@link Erasure} the erasure, {@link Passivation} leaving memory, {@link
 * IncarnationSignals} with {@link RejectionFlow} a restart's bookkeeping and what replaces a
 * refused write.
 */
public final class ConversationEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        ConversationCommand, ConversationEvent, ConversationState> {

  public static final EntityTypeKey<ConversationCommand> ENTITY_KEY =
      EntityTypeKey.create(ConversationCommand.class, "Conversation");

  private final ConversationSettings settings;
  private final DedupeLimits dedupe;
  private final TurnRunner runner;
  private final MessageIntake intake;
  private final ConfirmationFlow confirmation;
  private final TurnFlow turns;
  private final boolean sends;
  private final Erasure erasure;
  private final DeliveryFlow outbox;
  private final ConversationReads reads;
  private final ErasingPhase erasing;
  private final Passivation passivation;
  private final IncarnationSignals signals;
  private final RejectionFlow rejectionFlow;

  /** Registers the entity type with sharding; remember-entities restarts unfinished ones. */
  public static void init(ActorSystem<?> system, ConversationDeps deps) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), ctx.getShard(), deps))
                .withStopMessage(Stop.INSTANCE));
  }

  /**
   * Builds the entity; {@code shard} may be null outside sharding (tests). A write the journal
   * refuses restarts it (after the persist-failure backoff) instead of stopping it, as a failed
   * write does. The supervisor wraps the entity itself, so a restart recovers from the journal but
   * keeps this object: its waiters, and what {@link RejectedWrites} noted about the refused write.
   */
  public static Behavior<ConversationCommand> create(
      String key, ActorRef<ClusterSharding.ShardCommand> shard, ConversationDeps deps) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Behavior<ConversationCommand> entity =
                      new ConversationEntity(ctx, timers, key, shard, deps);
                  return Behaviors.supervise(entity)
                      .onFailure(
                          EventRejectedException.class,
                          deps.settings().persistFailureBackoff().strategy());
                }));
  }

  public static PersistenceId persistenceId(String key) {
    return PersistenceId.of(ENTITY_KEY.name(), key);
  }

  private ConversationEntity(
      ActorContext<ConversationCommand> context,
      TimerScheduler<ConversationCommand> timers,
      String key,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ConversationDeps deps) {
    super(persistenceId(key), deps.settings().persistFailureBackoff().strategy());
    this.settings = deps.settings();
    this.dedupe = DedupeLimits.from(settings);
    var waiters = new OutcomeWaiters(settings.maxWaitingAsks());
    var idle = new IdleTimer(timers, settings.passivateIdleAfter());
    this.runner = new TurnRunner(key, context, timers, deps);
    String channel = ConversationKey.parse(key).channel();
    // Decided by the key alone, so replaying events gives the same state whatever is
    // configured: every channel but the chat API has replies to send.
    this.sends = !channel.equals("api");
    var delivery =
        new DeliveryRunner(
            key, context, timers, deps.senders().forChannel(channel), settings, deps.metrics());
    this.erasure = new Erasure(key, context, deps.eraser());
    // Effect() is one stateless factory: the helpers build their effects with it directly.
    EffectFactories<ConversationEvent, ConversationState> effect = Effect();
    var question = new ConfirmationTimer(context, timers, deps.clock());
    var turnEnd = new TurnEndFollowUp(context, deps.metrics(), runner, delivery, waiters);
    this.confirmation =
        new ConfirmationFlow(key, context, question, deps, runner, delivery, effect);
    this.intake = new MessageIntake(key, context, deps, delivery, effect);
    this.turns =
        new TurnFlow(key, context, deps, runner, delivery, question, turnEnd, idle, effect);
    this.rejectionFlow = new RejectionFlow(key, context, deps, delivery, turnEnd, effect);
    this.reads = new ConversationReads(key, waiters, idle, deps.clock(), effect);
    this.outbox = new DeliveryFlow(delivery, runner, idle, deps.clock(), effect);
    this.signals = new IncarnationSignals(context, deps.metrics(), runner, delivery, waiters);
    this.passivation = new Passivation(key, context, shard, runner, delivery, waiters, effect);
    this.erasing =
        new ErasingPhase(
            key,
            context,
            timers,
            erasure,
            runner,
            delivery,
            waiters,
            idle,
            passivation,
            signals,
            effect);
  }

  @Override
  public ConversationState emptyState() {
    return ConversationState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  private Phase phase(ConversationState state) {
    return Phase.of(erasure.inProgress(), state, runner.busy());
  }

  private boolean in(Phase phase, ConversationState state) {
    return phase(state) == phase;
  }

  /**
   * One block per phase, first match wins: a phase's block handles what that phase does differently
   * and ends in {@link #ignore} where nothing else may run (erasing); the last block holds what
   * every other phase does alike, and ignores the rest: results and timers of work no longer in
   * flight.
   */
  @Override
  public CommandHandlerWithReply<ConversationCommand, ConversationEvent, ConversationState>
      commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    // Nothing may be persisted: asks are refused (retryable), work results are dropped.
    builder
        .forState(state -> in(Phase.ERASING, state))
        .onCommand(AcceptMessage.class, erasing::refuse)
        .onCommand(RejectMessage.class, erasing::refuse)
        .onCommand(UpdateDeliveryStatus.class, erasing::refuse)
        .onCommand(RecordNote.class, erasing::refuse)
        .onCommand(PressButton.class, erasing::refuse)
        .onCommand(Erase.class, erasing::refuse)
        .onCommand(AwaitOutcome.class, reads::onAwait)
        .onCommand(GetConversation.class, erasing::onGet)
        .onCommand(DeliveryFinished.class, erasing::onDeliveryFinished)
        .onCommand(EraseFinished.class, erasing::onEraseFinished)
        .onCommand(Stop.class, passivation::onStopWhileErasing)
        .onCommand(ResolveRejection.class, erasing::onResolveRejection)
        .onAnyCommand(this::ignore);
    builder
        .forState(state -> in(Phase.AWAITING_CONFIRMATION, state))
        .onCommand(AcceptMessage.class, this::onAcceptWhileParked)
        .onCommand(PressButton.class, confirmation::onPress)
        .onCommand(ConfirmationTimedOut.class, confirmation::onTimeout)
        .onCommand(Advance.class, confirmation::onAdvance);
    builder
        .forState(state -> in(Phase.RUNNING, state))
        .onCommand(ModelAnswered.class, turns::onModelAnswered)
        .onCommand(ToolsFinished.class, turns::onToolsFinished)
        .onCommand(ModelFailed.class, turns::onModelFailed)
        .onCommand(TurnTimedOut.class, turns::onTimedOut)
        .onCommand(Advance.class, outbox::onRetry);
    builder
        .forState(state -> in(Phase.IDLE, state))
        .onCommand(AcceptMessage.class, this::onAcceptWhileIdle)
        .onCommand(Advance.class, turns::onAdvance);
    // Idle, running or awaiting confirmation alike.
    builder
        .forAnyState()
        .onCommand(AcceptMessage.class, intake::onAccept)
        .onCommand(RejectMessage.class, intake::onReject)
        .onCommand(UpdateDeliveryStatus.class, intake::onDeliveryStatus)
        .onCommand(RecordNote.class, intake::onNote)
        .onCommand(PressButton.class, reads::onExpiredPress)
        .onCommand(AwaitOutcome.class, reads::onAwait)
        .onCommand(GetConversation.class, reads::onGet)
        .onCommand(DeliveryFinished.class, outbox::onFinished)
        .onCommand(RetryDelivery.class, outbox::onRetry)
        .onCommand(Typing.class, outbox::onTyping)
        .onCommand(IdleTimeout.class, passivation::onIdleTimeout)
        .onCommand(Erase.class, erasing::onErase)
        .onCommand(Stop.class, passivation::onStop)
        .onCommand(ResolveRejection.class, this::onResolveRejection)
        .onAnyCommand(this::ignore);
    var handlers = builder.build();
    // After a refusal, nothing overtakes its resolution: commands wait in the stash until then.
    return (state, command) ->
        signals.holdsBack(state, command) ? Effect().stash() : handlers.apply(state, command);
  }

  @Override
  public EventHandler<ConversationState, ConversationEvent> eventHandler() {
    EventHandler<ConversationState, ConversationEvent> handlers =
        newEventHandlerBuilder()
            .forAnyState()
            .onEvent(MessageAccepted.class, (state, e) -> state.accepted(e, dedupe))
            .onEvent(MessageRejected.class, (state, e) -> state.rejected(e, dedupe, sends))
            .onEvent(TurnStarted.class, ConversationState::started)
            .onEvent(TurnInterrupted.class, ConversationState::interrupted)
            .onEvent(
                ConfirmationRequested.class, (state, e) -> state.confirmationRequested(e, sends))
            .onEvent(ConfirmationResolved.class, ConversationState::confirmationResolved)
            .onEvent(
                TurnCompleted.class,
                (state, e) -> state.completed(e, settings.turnsInState(), sends))
            .onEvent(TurnFailed.class, (state, e) -> state.failed(e, sends))
            .onEvent(MemoryChanged.class, ConversationState::memoryChanged)
            .onEvent(HistoryCleared.class, ConversationState::historyCleared)
            .onEvent(ReplyDelivered.class, ConversationState::delivered)
            .onEvent(ReplyAbandoned.class, ConversationState::abandoned)
            .onEvent(DeliveryStatusChanged.class, ConversationState::statusChanged)
            .onEvent(NoteRecorded.class, (state, e) -> state.noted(e, dedupe))
            .build();
    return (state, event) -> {
      signals.applied(event);
      return handlers.apply(state, event);
    };
  }

  @Override
  public SignalHandler<ConversationState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), signals::recovered)
        .onSignal(JournalPersistRejected.class, (state, signal) -> signals.persistRejected(signal))
        .onSignal(PostStop.instance(), signals::stopped)
        .onSignal(PreRestart.instance(), signals::restarting)
        .build();
  }

  /** What a phase does not handle: a result or timer of work no longer in flight. */
  private ReplyEffect<ConversationEvent, ConversationState> ignore(
      ConversationState state, ConversationCommand cmd) {
    return Effect().noReply();
  }

  /** A message that finds nothing waiting starts its turn in the same write as its receipt. */
  private ReplyEffect<ConversationEvent, ConversationState> onAcceptWhileIdle(
      ConversationState state, AcceptMessage cmd) {
    return intake
        .startsTurn(state, cmd)
        .map(receipt -> turns.acceptAndStart(state, cmd, receipt))
        .orElseGet(() -> intake.onAccept(state, cmd));
  }

  /** The user asked answers the parked question (or moves on); any other message is a message. */
  private ReplyEffect<ConversationEvent, ConversationState> onAcceptWhileParked(
      ConversationState state, AcceptMessage cmd) {
    return intake
        .answerToQuestion(state, cmd)
        .map(receipt -> confirmation.onMessage(state, cmd, receipt))
        .orElseGet(() -> intake.onAccept(state, cmd));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onResolveRejection(
      ConversationState state, ResolveRejection cmd) {
    var rejection = signals.resolving();
    return rejection == null ? Effect().noReply() : rejectionFlow.resolve(state, rejection);
  }
}
