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
    this.runner = new TurnRunner(key, context, timers, deps);
    String channel = ConversationKey.parse(key).channel();
    // Decided by the key alone, so replaying events gives the same state whatever is
    // configured: every channel but the chat API has replies to send.
    this.sends = !channel.equals("api");
    this.delivery =
        new DeliveryRunner(
            key, context, timers, deps.senders().forChannel(channel), settings, deps.metrics());
    this.erasure =
        new Erasure(
            key,
            context,
            deps.eraser(),
            this::passivate,
            () -> {
              runner.abandon();
              delivery.abandon();
              timers.cancel(TimerKey.CONFIRMATION);
              waiters.abandonAll(ConversationError.ERASED);
            },
            () -> context.getSelf().tell(Advance.INSTANCE));
    this.confirmation =
        new ConfirmationFlow(key, context, timers, deps, runner, delivery, erasure::inProgress);
    this.intake =
        new MessageIntake(key, context, deps, delivery, confirmation, erasure::inProgress);
    this.turns =
        new TurnFlow(
            key,
            context,
            deps,
            runner,
            delivery,
            confirmation,
            waiters,
            erasure::inProgress,
            this::scheduleIdleCheck);
    this.rejectionFlow = new RejectionFlow(key, context, deps, delivery, turns);
  }

  @Override
  public ConversationState emptyState() {
    return ConversationState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<ConversationCommand, ConversationEvent, ConversationState>
      commandHandler() {
    CommandHandlerWithReply<ConversationCommand, ConversationEvent, ConversationState> handlers =
        newCommandHandlerWithReplyBuilder()
            .forAnyState()
            .onCommand(AcceptMessage.class, (state, cmd) -> intake.onAccept(Effect(), state, cmd))
            .onCommand(RejectMessage.class, (state, cmd) -> intake.onReject(Effect(), state, cmd))
            .onCommand(
                UpdateDeliveryStatus.class,
                (state, cmd) -> intake.onDeliveryStatus(Effect(), state, cmd))
            .onCommand(RecordNote.class, (state, cmd) -> intake.onNote(Effect(), state, cmd))
            .onCommand(DeliveryFinished.class, this::onDeliveryFinished)
            .onCommand(RetryDelivery.class, this::onRetryDelivery)
            .onCommand(Typing.class, this::onTyping)
            .onCommand(AwaitOutcome.class, this::onAwait)
            .onCommand(GetConversation.class, this::onGet)
            .onCommand(Advance.class, (state, cmd) -> turns.onAdvance(Effect(), state, cmd))
            .onCommand(
                ModelAnswered.class, (state, cmd) -> turns.onModelAnswered(Effect(), state, cmd))
            .onCommand(
                ToolsFinished.class, (state, cmd) -> turns.onToolsFinished(Effect(), state, cmd))
            .onCommand(ModelFailed.class, (state, cmd) -> turns.onModelFailed(Effect(), state, cmd))
            .onCommand(TurnTimedOut.class, (state, cmd) -> turns.onTimedOut(Effect(), state, cmd))
            .onCommand(IdleTimeout.class, this::onIdleTimeout)
            .onCommand(
                PressButton.class, (state, cmd) -> confirmation.onPress(Effect(), state, cmd))
            .onCommand(
                ConfirmationTimedOut.class,
                (state, cmd) -> confirmation.onTimeout(Effect(), state, cmd))
            .onCommand(Erase.class, (state, cmd) -> erasure.onErase(Effect(), cmd))
            .onCommand(EraseFinished.class, (state, cmd) -> erasure.onFinished(Effect(), cmd))
            .onCommand(Stop.class, this::onStop)
            .onCommand(ResolveRejection.class, this::onResolveRejection)
            .build();
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

  private ReplyEffect<ConversationEvent, ConversationState> onDeliveryFinished(
      ConversationState state, DeliveryFinished cmd) {
    if (erasure.inProgress()) {
      // Nothing may be persisted now. The runner is free again: a failed erasure resumes with
      // Advance, which sends the reply again; a successful one leaves nothing to send.
      delivery.release(cmd);
      return Effect().noReply();
    }
    ConversationEvent recorded = delivery.onFinished(cmd, deps.clock().instant());
    if (recorded == null) {
      return Effect().noReply();
    }
    return Effect()
        .persist(recorded)
        .thenRun(
            next -> {
              delivery.kick(next);
              scheduleIdleCheck(next);
            })
        .thenNoReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onResolveRejection(
      ConversationState state, ResolveRejection cmd) {
    var rejection = pendingRejection;
    pendingRejection = null;
    rejections.resolving(rejection);
    if (rejection == null) {
      return Effect().noReply();
    }
    if (erasure.inProgress()) {
      RejectionFlow.refuse(rejection.command(), ConversationError.ERASING);
      return Effect().noReply().thenUnstashAll();
    }
    return rejectionFlow.resolve(Effect(), state, rejection);
  }

  private ReplyEffect<ConversationEvent, ConversationState> onRetryDelivery(
      ConversationState state, RetryDelivery cmd) {
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
    scheduleIdleCheck(state);
    return Effect()
        .reply(cmd.replyTo(), ConversationPage.of(key, state, cmd, erasure.inProgress()));
  }

  /**
   * Stop on passivation or hand-off. A turn in flight is recorded as interrupted first, so the next
   * owner redoes it without counting a crash: a rolling restart may move a long turn more often
   * than max-attempts allows for crashes.
   */
  private ReplyEffect<ConversationEvent, ConversationState> onStop(
      ConversationState state, Stop cmd) {
    if (!state.isIdle() && shard != null && !erasure.inProgress()) {
      // Work came in after this entity asked to passivate (a message reached it before the
      // shard saw the request): an Advance through sharding is buffered by the shard and
      // starts the entity again, so the work does not wait for the next message.
      ClusterSharding.get(context.getSystem()).entityRefFor(ENTITY_KEY, key).tell(Advance.INSTANCE);
    }
    TurnInterrupted interrupted = runner.interruption();
    if (interrupted == null || erasure.inProgress()) {
      return Effect().stop().thenNoReply();
    }
    runner.abandon();
    return Effect().persist(interrupted).thenStop().thenNoReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onTyping(
      ConversationState state, Typing cmd) {
    delivery.refreshTyping(runner.address());
    return Effect().noReply();
  }

  private void scheduleIdleCheck(ConversationState state) {
    if (state.isIdle()) {
      timers.startSingleTimer(TimerKey.IDLE, IdleTimeout.INSTANCE, settings.passivateIdleAfter());
    }
  }

  private ReplyEffect<ConversationEvent, ConversationState> onIdleTimeout(
      ConversationState state, IdleTimeout cmd) {
    if (state.isIdle()
        && !runner.busy()
        && !delivery.busy()
        && waiters.isEmpty()
        && !erasure.inProgress()) {
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
