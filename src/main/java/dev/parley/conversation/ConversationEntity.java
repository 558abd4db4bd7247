package dev.parley.conversation;

import dev.parley.conversation.ConversationCommand.AcceptMessage;
import dev.parley.conversation.ConversationCommand.Accepted;
import dev.parley.conversation.ConversationCommand.Advance;
import dev.parley.conversation.ConversationCommand.AwaitOutcome;
import dev.parley.conversation.ConversationCommand.Erase;
import dev.parley.conversation.ConversationCommand.EraseFinished;
import dev.parley.conversation.ConversationCommand.GetConversation;
import dev.parley.conversation.ConversationCommand.IdleTimeout;
import dev.parley.conversation.ConversationCommand.ModelAnswered;
import dev.parley.conversation.ConversationCommand.ModelFailed;
import dev.parley.conversation.ConversationCommand.Stop;
import dev.parley.conversation.ConversationCommand.ToolsFinished;
import dev.parley.conversation.ConversationCommand.TurnTimedOut;
import dev.parley.conversation.ConversationEvent.MessageAccepted;
import dev.parley.conversation.ConversationEvent.MessageRejected;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.RecentMessages.Entry;
import java.util.List;
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
  private boolean erasing;

  /** Registers the entity type with sharding; remember-entities restarts unfinished ones. */
  public static void init(ActorSystem<?> system, ConversationDeps deps) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), ctx.getShard(), deps))
                .withStopMessage(Stop.INSTANCE));
  }

  /** Builds the entity; {@code shard} may be null outside sharding (tests). */
  public static Behavior<ConversationCommand> create(
      String key, ActorRef<ClusterSharding.ShardCommand> shard, ConversationDeps deps) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new ConversationEntity(ctx, timers, key, shard, deps)));
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
    super(
        persistenceId(key),
        PersistFailureBackoff.from(context.getSystem().settings().config()).strategy());
    this.context = context;
    this.timers = timers;
    this.key = key;
    this.shard = shard;
    this.deps = deps;
    this.settings = deps.settings();
    this.dedupe = DedupeLimits.from(settings);
    this.waiters = new OutcomeWaiters(settings.maxWaitingAsks());
    this.runner = new TurnRunner(key, context, timers, deps);
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
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(AcceptMessage.class, this::onAccept)
        .onCommand(AwaitOutcome.class, this::onAwait)
        .onCommand(GetConversation.class, this::onGet)
        .onCommand(Advance.class, this::onAdvance)
        .onCommand(ModelAnswered.class, this::onModelAnswered)
        .onCommand(ToolsFinished.class, this::onToolsFinished)
        .onCommand(ModelFailed.class, this::onModelFailed)
        .onCommand(TurnTimedOut.class, this::onTimedOut)
        .onCommand(IdleTimeout.class, this::onIdleTimeout)
        .onCommand(Erase.class, this::onErase)
        .onCommand(EraseFinished.class, this::onEraseFinished)
        .onCommand(Stop.class, cmd -> Effect().stop().thenNoReply())
        .build();
  }

  @Override
  public EventHandler<ConversationState, ConversationEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(MessageAccepted.class, (state, e) -> state.accepted(e, dedupe))
        .onEvent(MessageRejected.class, (state, e) -> state.rejected(e, dedupe))
        .onEvent(TurnStarted.class, ConversationState::started)
        .onEvent(TurnCompleted.class, (state, e) -> state.completed(e, settings.turnsInState()))
        .onEvent(TurnFailed.class, ConversationState::failed)
        .build();
  }

  @Override
  public SignalHandler<ConversationState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> context.getSelf().tell(Advance.INSTANCE))
        .onSignal(PostStop.instance(), state -> waiters.abandonAll("stopped"))
        // A journal failure restarts the entity (backoff); recovery redoes the running turn.
        .onSignal(PreRestart.instance(), state -> runner.abandon())
        .build();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onAccept(
      ConversationState state, AcceptMessage cmd) {
    if (erasing) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("erasing"));
    }
    if (state.alreadyAccepted(cmd.messageId())) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.success(new Accepted(cmd.messageId(), true)));
    }
    if (cmd.text() == null || cmd.text().length() > settings.maxTextChars()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("text-too-long"));
    }
    Accepted accepted = new Accepted(cmd.messageId(), false);
    if (state.inbox().size() >= settings.maxInbox()) {
      context.getLog().info("{}: inbox full, rejecting {}", key, cmd.messageId());
      return Effect()
          .persist(
              new MessageRejected(
                  cmd.messageId(),
                  "inbox-full",
                  settings.inboxFullNotice(),
                  deps.clock().instant()))
          .thenReply(cmd.replyTo(), next -> StatusReply.success(accepted));
    }
    context.getLog().debug("{}: accepted {}", key, cmd.messageId());
    return Effect()
        .persist(
            new MessageAccepted(cmd.messageId(), cmd.text(), cmd.sender(), deps.clock().instant()))
        .thenRun(next -> context.getSelf().tell(Advance.INSTANCE))
        .thenReply(cmd.replyTo(), next -> StatusReply.success(accepted));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onAwait(
      ConversationState state, AwaitOutcome cmd) {
    Entry entry = state.recent().find(cmd.messageId());
    if (entry == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("unknown-message"));
    }
    if (entry.outcome() != null) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.success(OutcomeWaiters.outcomeOf(state, entry)));
    }
    if (!waiters.add(cmd.messageId(), cmd.replyTo())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("too-many-waiting"));
    }
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onGet(
      ConversationState state, GetConversation cmd) {
    scheduleIdleCheck(state);
    return Effect().reply(cmd.replyTo(), ConversationPage.of(key, state, cmd, erasing));
  }

  private ReplyEffect<ConversationEvent, ConversationState> onAdvance(
      ConversationState state, Advance cmd) {
    if (erasing || runner.busy()) {
      return Effect().noReply();
    }
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
      scheduleIdleCheck(state);
      return Effect().noReply();
    }
    return Effect().persist(next).thenRun(runner::begin).thenNoReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onModelAnswered(
      ConversationState state, ModelAnswered cmd) {
    TurnCompleted done = runner.onModelAnswered(cmd);
    return done == null ? Effect().noReply() : endTurn(done);
  }

  private ReplyEffect<ConversationEvent, ConversationState> onToolsFinished(
      ConversationState state, ToolsFinished cmd) {
    runner.onToolsFinished(cmd);
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onModelFailed(
      ConversationState state, ModelFailed cmd) {
    TurnFailed failed = runner.onModelFailed(cmd);
    return failed == null ? Effect().noReply() : endTurn(failed);
  }

  private ReplyEffect<ConversationEvent, ConversationState> onTimedOut(
      ConversationState state, TurnTimedOut cmd) {
    TurnFailed failed = runner.onTimedOut(cmd);
    return failed == null ? Effect().noReply() : endTurn(failed);
  }

  private ReplyEffect<ConversationEvent, ConversationState> endTurn(ConversationEvent end) {
    List<String> ids =
        end instanceof TurnCompleted c
            ? c.user().stream().map(UserLine::id).toList()
            : ((TurnFailed) end).messageIds();
    return Effect()
        .persist(end)
        .thenRun(
            next -> {
              runner.ended();
              waiters.resolve(next, ids);
              context.getSelf().tell(Advance.INSTANCE);
            })
        .thenNoReply();
  }

  private void scheduleIdleCheck(ConversationState state) {
    if (state.isIdle()) {
      timers.startSingleTimer("idle", IdleTimeout.INSTANCE, settings.passivateIdleAfter());
    }
  }

  private ReplyEffect<ConversationEvent, ConversationState> onIdleTimeout(
      ConversationState state, IdleTimeout cmd) {
    if (state.isIdle() && !runner.busy() && waiters.isEmpty() && !erasing) {
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

  private ReplyEffect<ConversationEvent, ConversationState> onErase(
      ConversationState state, Erase cmd) {
    if (erasing) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("erasing"));
    }
    context.getLog().info("{}: erasing the conversation", key);
    erasing = true;
    runner.abandon();
    waiters.abandonAll("erased");
    context.pipeToSelf(
        deps.eraser().erase(persistenceId(key).id()),
        (done, error) -> new EraseFinished(cmd.replyTo(), error == null ? null : error.toString()));
    return Effect().noReply();
  }

  private ReplyEffect<ConversationEvent, ConversationState> onEraseFinished(
      ConversationState state, EraseFinished cmd) {
    if (cmd.error() != null) {
      context.getLog().error("{}: erasing failed: {}", key, cmd.error());
    }
    // Stop either way: after a success the next incarnation recovers an empty journal; after
    // a failure (one transaction, nothing changed) it recovers the old state and resumes.
    passivate();
    return Effect()
        .reply(
            cmd.replyTo(),
            cmd.error() == null
                ? StatusReply.success(org.apache.pekko.Done.getInstance())
                : StatusReply.error("erase-failed"));
  }
}
