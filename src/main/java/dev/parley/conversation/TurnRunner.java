package dev.parley.conversation;

import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.InternalCommand.ModelAnswered;
import dev.parley.conversation.InternalCommand.ModelFailed;
import dev.parley.conversation.InternalCommand.ToolsFinished;
import dev.parley.conversation.InternalCommand.TurnTimedOut;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ToolCall;
import dev.parley.tool.TurnChanges;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps the attempt in flight at the entity's current turn and drives its tool-call loop: asks the
 * model, runs the tools it asks for, feeds their results back, and says when the turn is over. The
 * calls themselves start in {@link TurnCalls}, the prompt comes from {@link TurnPrompt}, and what
 * the turn records from {@link TurnRecords}. Every answer comes back tagged with turn id and
 * attempt; an answer for any other attempt is ignored. A watchdog timer bounds each attempt.
 */
final class TurnRunner {
  private final String key;
  // The channel part of the key: a tool not offered there is never asked about.
  private final String channel;
  private final ActorContext<ConversationCommand> context;
  private final TimerScheduler<ConversationCommand> timers;
  private final ConversationDeps deps;
  private final ConversationSettings settings;
  private final TurnPrompt prompt;
  private final TurnRecords records;
  private final TurnCalls calls;
  private TurnAttempt attempt;
  // What the attempt's built-in tools changed (memory, cleared history); stored with its end.
  private TurnChanges changes;
  private Instant startedAt;

  TurnRunner(
      String key,
      ActorContext<ConversationCommand> context,
      TimerScheduler<ConversationCommand> timers,
      ConversationDeps deps) {
    this.key = key;
    this.channel = ConversationKey.parse(key).channel();
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.settings = deps.settings();
    this.prompt = new TurnPrompt(settings);
    this.records = new TurnRecords(settings, deps.clock());
    this.calls = new TurnCalls(key, context, deps);
  }

  boolean busy() {
    return attempt != null;
  }

  /** The attempt in flight, as the event that records its interruption, or null. */
  ConversationEvent.TurnInterrupted interruption() {
    return attempt == null
        ? null
        : new ConversationEvent.TurnInterrupted(
            attempt.turnId(), attempt.attempt(), deps.clock().instant());
  }

  /** Where the running turn's reply goes (for "typing…"), or null. */
  ReplyAddress address() {
    return attempt == null || attempt.user().isEmpty() ? null : attempt.user().get(0).address();
  }

  /** The next turn to start, or null (see {@link TurnRecords#nextStart}). */
  TurnStarted nextStart(ConversationState state) {
    return records.nextStart(state);
  }

  /** The first attempt of a new turn for {@code messageId} alone (see {@link TurnRecords}). */
  TurnStarted startFor(ConversationState state, String messageId) {
    return records.startFor(state, messageId);
  }

  /** Starts the attempt recorded in {@code state.running()}: the first model call. */
  void begin(ConversationState state) {
    var running = state.running();
    List<UserLine> user =
        state.inbox().stream().filter(line -> running.messageIds().contains(line.id())).toList();
    started(state);
    attempt =
        TurnAttempt.start(running.turnId(), running.attempt(), user, prompt.start(state, user));
    context
        .getLog()
        .debug("{}: turn {} attempt {} starts", key, running.turnId(), running.attempt());
    startWatchdog();
    askModel();
  }

  /** The finished turn, or null while tools still run (or the answer is stale). */
  ConversationEvent onModelAnswered(ModelAnswered cmd) {
    if (!current(cmd.turnId(), cmd.attempt())) {
      return null;
    }
    ChatResponse response = cmd.response();
    attempt = attempt.answered(response);
    if (response.wantsTools()) {
      if (attempt.modelCalls() >= settings.maxRounds()) {
        context.getLog().info("{}: turn {} hit the round limit", key, attempt.turnId());
        return records.completed(attempt, settings.roundLimitReply());
      }
      ToolCall asks =
          response.toolCalls().stream()
              .filter(call -> settings.confirmation().needsConfirmation(call.name(), channel))
              .findFirst()
              .orElse(null);
      if (asks != null) {
        return new ConfirmationRequested(
            records.question(attempt, response, asks), deps.clock().instant());
      }
      attempt = attempt.wantsTools(response);
      calls.runTools(attempt, attempt.pendingCalls(), changes);
      return null;
    }
    String reply = response.content();
    return records.completed(
        attempt, reply == null || reply.isBlank() ? "(the model gave no answer)" : reply);
  }

  /**
   * What to persist for the attempt's end ({@code end}: its completion, or its question to the
   * user), in one write: what its tools changed first ({@code MemoryChanged}, {@code
   * HistoryCleared}), then {@code end}.
   */
  List<ConversationEvent> recorded(ConversationEvent end) {
    List<ConversationEvent> events = new ArrayList<>();
    if (changes != null && changes.memoryChanged()) {
      events.add(new ConversationEvent.MemoryChanged(changes.facts(), deps.clock().instant()));
    }
    if (changes != null && changes.historyCleared()) {
      events.add(new ConversationEvent.HistoryCleared(attempt.turnId(), deps.clock().instant()));
    }
    events.add(end);
    return events;
  }

  /** The turn waits for the user: nothing in flight, no watchdog (the question has a timeout). */
  void park() {
    abandon();
  }

  /**
   * Goes on with a parked turn, in this incarnation or after a restart: the prompt is rebuilt from
   * the parked record, then the asked calls run ({@code approved}) or go back to the model as
   * refused. {@code answer} (a "yes" message, may be null) joins the turn's user lines.
   */
  void resume(
      ConversationState state, PendingConfirmation parked, boolean approved, UserLine answer) {
    List<UserLine> user = new ArrayList<>(parked.user());
    if (answer != null) {
      user.add(answer);
    }
    List<ToolCall> requested =
        parked.requested().stream()
            .map(c -> new ToolCall(c.callId(), c.name(), c.arguments()))
            .toList();
    started(state);
    attempt =
        new TurnAttempt(
            parked.turnId(),
            parked.attempt(),
            user,
            prompt.resume(state, parked, requested),
            parked.modelCalls(),
            requested,
            parked.calls(),
            parked.usage(),
            parked.model());
    startWatchdog();
    if (approved) {
      calls.runTools(attempt, requested, changes);
    } else {
      attempt =
          attempt.toolsAnswered(
              requested.stream()
                  .map(c -> "error: the user did not allow " + c.name() + " to run")
                  .toList());
      askModel();
    }
  }

  void onToolsFinished(ToolsFinished cmd) {
    if (current(cmd.turnId(), cmd.attempt())) {
      attempt = attempt.toolsAnswered(cmd.results());
      askModel();
    }
  }

  TurnFailed onModelFailed(ModelFailed cmd) {
    if (!current(cmd.turnId(), cmd.attempt())) {
      return null;
    }
    context.getLog().warn("{}: turn {} failed: model {}", key, cmd.turnId(), cmd.code());
    return records.failed(attempt, cmd.code(), cmd.reason());
  }

  TurnFailed onTimedOut(TurnTimedOut cmd) {
    if (!current(cmd.turnId(), cmd.attempt())) {
      return null;
    }
    context.getLog().warn("{}: turn {} ended by the watchdog", key, cmd.turnId());
    return records.failed(
        attempt, "timeout", "the turn took longer than " + settings.turnTimeout());
  }

  /** The turn's end is persisted: report it, and forget the attempt. */
  void ended(ConversationEvent end) {
    if (startedAt != null) {
      Duration took = Duration.between(startedAt, deps.clock().instant());
      if (end instanceof TurnFailed failed) {
        deps.metrics().turnFailed(failed.code(), took);
      } else {
        deps.metrics().turnCompleted(took);
      }
    }
    abandon();
  }

  /** Drop the attempt; whatever it still waits for will be ignored when it arrives. */
  void abandon() {
    attempt = null;
    changes = null;
    timers.cancel(TimerKey.TURN_WATCHDOG);
  }

  /** An attempt starts (or a parked one goes on) now, from the memory {@code state} holds. */
  private void started(ConversationState state) {
    startedAt = deps.clock().instant();
    changes = new TurnChanges(state.memory(), deps.tools().memoryLimits());
  }

  private void startWatchdog() {
    timers.startSingleTimer(
        TimerKey.TURN_WATCHDOG,
        new TurnTimedOut(attempt.turnId(), attempt.attempt()),
        settings.turnTimeout());
  }

  private boolean current(long turnId, int attemptNr) {
    return attempt != null && attempt.is(turnId, attemptNr);
  }

  private void askModel() {
    attempt = attempt.asked();
    calls.askModel(attempt);
  }
}
