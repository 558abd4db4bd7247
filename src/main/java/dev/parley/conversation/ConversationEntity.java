package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.Ask;
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
import dev.parley.conversation.RecentMessages.Entry;
import org.apache.pekko.Done;
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
import org.apache.pekko.pattern.StatusReply;
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
 * helpers each keep one concern: {@link MessageIntake} the front door, {@link TurnFlow} with {@link
 * TurnRunner} the turn loop, {@link ConfirmationFlow} the parked question, {@link DeliveryRunner}
 * the outbox, {@link Erasure} the eraser, {@link RejectionFlow} what replaces a refused write.
 */
public final class ConversationEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        ConversationCommand, ConversationEvent, ConversationState> {

  public static final EntityTypeKey<ConversationCommand> ENTITY_KEY =
      EntityTypeKey.create(ConversationCommand.class, "Conversation");

  private final ActorContext<ConversationCommand> context;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ConversationDeps deps;
  private final ConversationSettings settings;
  private final DedupeLimits dedupe;
  private final String key;
  private final TimerScheduler<ConversationCommand> timers;
  private final OutcomeWaiters waiters;
  private final IdleTimer idle;
  private final TurnRunner runner;
  private final DeliveryRunner delivery;
  private final MessageIntake intake;
  private final ConfirmationFlow confirmation;
  private final TurnFlow turns;
  private final boolean sends;
  private final Erasure erasure;
  private final RejectedWrites rejections = new RejectedWrites();
  private final RejectionFlow rejectionFlow;
  // What the journal refused before this incarnation's restart, until it is resolved.
  private RejectedWrites.Rejection pendingRejection;
  // Whether this incarnation's inbox is in parley_inbox_depth: added on recovery, taken out
  // once on PreRestart or PostStop (a journal failure restarts without PostStop, and
  // recovery adds the inbox again).
  private boolean inboxCounted;

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
    this.context = context;
    this.timers = timers;
    this.key = key;
    this.shard = shard;
    this.deps = deps;
    this.settings = deps.settings();
    this.dedupe = DedupeLimits.from(settings);
    this.waiters = new OutcomeWaiters(settings.maxWaitingAsks());
    this.idle = new IdleTimer(timers, settings.passivateIdleAfter());
    this.runner = new TurnRunner(key, context, timers, deps);
    String channel = ConversationKey.parse(key).channel();
    // Decided by the key alone, so replaying events gives the same state whatever is
    // configured: every channel but the chat API has replies to send.
    this.sends = !channel.equals("api");
    this.delivery =
        new DeliveryRunner(
            key, context, timers, deps.senders().forChannel(channel), settings, deps.metrics());
    this.erasure = new Erasure(key, context, deps.eraser());
    // Effect() is one stateless factory: the helpers build their effects with it directly.
    EffectFactories<ConversationEvent, ConversationState> effect = Effect();
    this.confirmation = new ConfirmationFlow(key, context, timers, deps, runner, delivery, effect);
    this.intake = new MessageIntake(key, context, deps, delivery, confirmation, effect);
    this.turns =
        new TurnFlow(key, context, deps, runner, delivery, confirmation, waiters, idle, effect);
    this.rejectionFlow = new RejectionFlow(key, context, deps, delivery, turns, effect);
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
        .onCommand(AcceptMessage.class, this::refuseWhileErasing)
        .onCommand(RejectMessage.class, this::refuseWhileErasing)
        .onCommand(UpdateDeliveryStatus.class, this::refuseWhileErasing)
        .onCommand(RecordNote.class, this::refuseWhileErasing)
        .onCommand(PressButton.class, this::refuseWhileErasing)
        .onCommand(Erase.class, this::refuseWhileErasing)
        .onCommand(AwaitOutcome.class, this::onAwait)
        .onCommand(GetConversation.class, this::onGetWhileErasing)
        .onCommand(DeliveryFinished.class, this::onDeliveryFinishedWhileErasing)
        .onCommand(EraseFinished.class, this::onEraseFinished)
        .onCommand(Stop.class, this::onStopWhileErasing)
        .onCommand(ResolveRejection.class, this::onResolveRejectionWhileErasing)
        .onAnyCommand(this::ignore);
    builder
        .forState(state -> in(Phase.AWAITING_CONFIRMATION, state))
        .onCommand(PressButton.class, confirmation::onPress)
        .onCommand(ConfirmationTimedOut.class, confirmation::onTimeout)
        .onCommand(Advance.class, confirmation::onAdvance);
    builder
        .forState(state -> in(Phase.RUNNING, state))
        .onCommand(ModelAnswered.class, turns::onModelAnswered)
        .onCommand(ToolsFinished.class, turns::onToolsFinished)
        .onCommand(ModelFailed.class, turns::onModelFailed)
        .onCommand(TurnTimedOut.class, turns::onTimedOut)
        .onCommand(Advance.class, this::onRetryDelivery);
    builder.forState(state -> in(Phase.IDLE, state)).onCommand(Advance.class, turns::onAdvance);
    // Idle, running or awaiting confirmation alike.
    builder
        .forAnyState()
        .onCommand(AcceptMessage.class, intake::onAccept)
        .onCommand(RejectMessage.class, intake::onReject)
        .onCommand(UpdateDeliveryStatus.class, intake::onDeliveryStatus)
        .onCommand(RecordNote.class, intake::onNote)
        .onCommand(PressButton.class, this::onExpiredPress)
        .onCommand(AwaitOutcome.class, this::onAwait)
        .onCommand(GetConversation.class, this::onGet)
        .onCommand(DeliveryFinished.class, this::onDeliveryFinished)
        .onCommand(RetryDelivery.class, this::onRetryDelivery)
        .onCommand(Typing.class, this::onTyping)
        .onCommand(IdleTimeout.class, this::onIdleTimeout)
        .onCommand(Erase.class, this::onErase)
        .onCommand(Stop.class, this::onStop)
        .onCommand(ResolveRejection.class, this::onResolveRejection)
        .onAnyCommand(this::ignore);
    var handlers = builder.build();
    // Every live command is noted, with the events it leads to, in case the journal refuses them.
    // After a refusal, nothing overtakes its resolution: commands wait in the stash until then.
    return (state, command) -> {
      if (pendingRejection != null && !(command instanceof ResolveRejection)) {
        return Effect().stash();
      }
      rejections.handling(state, command);
      return handlers.apply(state, command);
    };
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
            .onEvent(ReplyDelivered.class, ConversationState::delivered)
            .onEvent(ReplyAbandoned.class, ConversationState::abandoned)
            .onEvent(DeliveryStatusChanged.class, ConversationState::statusChanged)
            .onEvent(NoteRecorded.class, (state, e) -> state.noted(e, dedupe))
            .build();
    // Pekko applies an event before writing it; noting it (outside the state) costs nothing on
    // recovery, where no command is being handled.
    return (state, event) -> {
      rejections.applied(event);
      return handlers.apply(state, event);
    };
  }

  @Override
  public SignalHandler<ConversationState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              deps.metrics().inboxDepthChanged(state.inbox().size());
              inboxCounted = true;
              pendingRejection = rejections.take();
              if (pendingRejection != null) {
                context.getSelf().tell(ResolveRejection.INSTANCE);
              }
              delivery.afterRestart();
              context.getSelf().tell(Advance.INSTANCE);
            })
        // The journal refused a write: Pekko throws next, and the supervisor restarts this
        // entity. The gauge counted the inbox as it was before the refused command.
        .onSignal(
            JournalPersistRejected.class,
            (state, signal) -> {
              rejections.rejected(signal.failure());
              if (inboxCounted) {
                deps.metrics().inboxDepthChanged(-rejections.inboxBefore());
                inboxCounted = false;
              }
            })
        .onSignal(
            PostStop.instance(),
            state -> {
              uncountInbox(state);
              waiters.abandonAll(ConversationError.STOPPED);
            })
        // A journal failure restarts the entity (backoff); recovery redoes the running turn.
        .onSignal(
            PreRestart.instance(),
            state -> {
              uncountInbox(state);
              runner.abandon();
              rejections.restarting();
            })
        .build();
  }

  private void uncountInbox(ConversationState state) {
    if (inboxCounted) {
      deps.metrics().inboxDepthChanged(-state.inbox().size());
      inboxCounted = false;
    }
  }

  /** What a phase does not handle: a result or timer of work no longer in flight. */
  private ReplyEffect<ConversationEvent, ConversationState> ignore(
      ConversationState state, ConversationCommand cmd) {
    return Effect().noReply();
  }

  private <R> ReplyEffect<ConversationEvent, ConversationState> refuseWhileErasing(
      ConversationState state, Ask<R> cmd) {
    return Effect().reply(cmd.replyTo(), ConversationError.ERASING.reply());
  }

  private ReplyEffect<ConversationEvent, ConversationState> onExpiredPress(
      ConversationState state, PressButton cmd) {
    return Effect().reply(cmd.replyTo(), StatusReply.success("expired"));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onDeliveryFinished(
      ConversationState state, DeliveryFinished cmd) {
    ConversationEvent recorded = delivery.onFinished(cmd, deps.clock().instant());
    if (recorded == null) {
      return Effect().noReply();
    }
    return Effect()
        .persist(recorded)
        .thenRun(
            next -> {
              delivery.kick(next);
              idle.armIfIdle(next);
            })
        .thenNoReply();
  }

  /**
   * Nothing may be persisted now. The runner is free again: a failed erasure resumes with Advance,
   * which sends the reply again; a successful one leaves nothing to send.
   */
  private ReplyEffect<ConversationEvent, ConversationState> onDeliveryFinishedWhileErasing(
      ConversationState state, DeliveryFinished cmd) {
    delivery.release(cmd);
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onResolveRejection(
      ConversationState state, ResolveRejection cmd) {
    var rejection = pendingRejection;
    pendingRejection = null;
    rejections.resolving(rejection);
    if (rejection == null) {
      return Effect().noReply();
    }
    return rejectionFlow.resolve(state, rejection);
  }

  private ReplyEffect<ConversationEvent, ConversationState> onResolveRejectionWhileErasing(
      ConversationState state, ResolveRejection cmd) {
    var rejection = pendingRejection;
    pendingRejection = null;
    rejections.resolving(rejection);
    if (rejection == null) {
      return Effect().noReply();
    }
    RejectionFlow.refuse(rejection.command(), ConversationError.ERASING);
    return Effect().noReply().thenUnstashAll();
  }

  /** Sends the head of the outbox unless a send is under way (also a running turn's Advance). */
  private ReplyEffect<ConversationEvent, ConversationState> onRetryDelivery(
      ConversationState state, ConversationCommand cmd) {
    delivery.kick(state);
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onAwait(
      ConversationState state, AwaitOutcome cmd) {
    Entry entry = state.recent().find(cmd.messageId());
    if (entry == null) {
      return Effect().reply(cmd.replyTo(), ConversationError.UNKNOWN_MESSAGE.reply());
    }
    if (entry.outcome() != null) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.success(OutcomeWaiters.outcomeOf(state, entry)));
    }
    if (!waiters.add(
        cmd.messageId(), cmd.replyTo(), deps.clock().instant().plus(cmd.maxWait()), deps.clock())) {
      return Effect().reply(cmd.replyTo(), ConversationError.TOO_MANY_WAITING.reply());
    }
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onGet(
      ConversationState state, GetConversation cmd) {
    idle.armIfIdle(state);
    return Effect().reply(cmd.replyTo(), ConversationPage.of(key, state, cmd));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onGetWhileErasing(
      ConversationState state, GetConversation cmd) {
    idle.armIfIdle(state);
    return Effect().reply(cmd.replyTo(), ConversationPage.erasing(key));
  }

  /** The work in flight is dropped, then the rows are deleted; the entity stops once they are. */
  private ReplyEffect<ConversationEvent, ConversationState> onErase(
      ConversationState state, Erase cmd) {
    runner.abandon();
    delivery.abandon();
    timers.cancel(TimerKey.CONFIRMATION);
    waiters.abandonAll(ConversationError.ERASED);
    erasure.start(cmd.replyTo());
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onEraseFinished(
      ConversationState state, EraseFinished cmd) {
    if (cmd.error() != null) {
      // Take up the work dropped at the start again, here (passivating would drop the
      // conversation from remember-entities with work pending).
      erasure.failed(cmd.error());
      context.getSelf().tell(Advance.INSTANCE);
      return Effect().reply(cmd.replyTo(), ConversationError.ERASE_FAILED.reply());
    }
    // The next incarnation recovers an empty journal.
    passivate();
    return Effect().reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
  }

  /**
   * Stop on passivation or hand-off. A turn in flight is recorded as interrupted first, so the next
   * owner redoes it without counting a crash: a rolling restart may move a long turn more often
   * than max-attempts allows for crashes.
   */
  private ReplyEffect<ConversationEvent, ConversationState> onStop(
      ConversationState state, Stop cmd) {
    if (!state.isIdle() && shard != null) {
      // Work came in after this entity asked to passivate (a message reached it before the
      // shard saw the request): an Advance through sharding is buffered by the shard and
      // starts the entity again, so the work does not wait for the next message.
      ClusterSharding.get(context.getSystem()).entityRefFor(ENTITY_KEY, key).tell(Advance.INSTANCE);
    }
    TurnInterrupted interrupted = runner.interruption();
    if (interrupted == null) {
      return Effect().stop().thenNoReply();
    }
    runner.abandon();
    return Effect().persist(interrupted).thenStop().thenNoReply();
  }

  /** An erasing entity stops without a word: nothing may be persisted, its work is dropped. */
  private ReplyEffect<ConversationEvent, ConversationState> onStopWhileErasing(
      ConversationState state, Stop cmd) {
    return Effect().stop().thenNoReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onTyping(
      ConversationState state, Typing cmd) {
    delivery.refreshTyping(runner.address());
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onIdleTimeout(
      ConversationState state, IdleTimeout cmd) {
    if (state.isIdle() && !runner.busy() && !delivery.busy() && waiters.isEmpty()) {
      passivate();
    }
    return Effect().noReply();
  }

  private void passivate() {
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      context.getSelf().tell(Stop.INSTANCE);
    }
  }
}
