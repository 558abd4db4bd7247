package dev.parley.conversation;

import dev.parley.conversation.ConversationEvent.ConfirmationRequested;
import dev.parley.conversation.ConversationEvent.TurnCompleted;
import dev.parley.conversation.ConversationEvent.TurnFailed;
import dev.parley.conversation.ConversationEvent.TurnStarted;
import dev.parley.conversation.InternalCommand.ModelAnswered;
import dev.parley.conversation.InternalCommand.ModelFailed;
import dev.parley.conversation.InternalCommand.ToolsFinished;
import dev.parley.conversation.InternalCommand.TurnTimedOut;
import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelException;
import dev.parley.llm.ToolCall;
import dev.parley.text.Utf16;
import dev.parley.tool.ToolContext;
import dev.parley.tool.TurnChanges;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Drives the tool-call loop of the entity's current turn: asks the model, runs the tools it asks
 * for, feeds their results back, and says when the turn is over. Every call runs off the entity's
 * thread and comes back through {@code pipeToSelf} tagged with turn id and attempt; an answer for
 * any other attempt is ignored. A watchdog timer bounds each attempt.
 */
final class TurnRunner {
  // How much of a call's arguments the confirmation question quotes (characters).
  private static final int MAX_QUESTION_ARGUMENTS = 301;
  // Ends a reply cut to max-reply-chars.
  private static final String REPLY_CUT = "… (reply cut: too long)";

  private final String key;
  // The channel part of the key: which tools are offered (parley.tool.policy channels).
  private final String channel;
  private final ActorContext<ConversationCommand> context;
  private final TimerScheduler<ConversationCommand> timers;
  private final ConversationDeps deps;
  private final ConversationSettings settings;
  private final HistoryWindow window;
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
    this.window = new HistoryWindow(settings.historyMaxMessages(), settings.historyMaxChars());
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

  /**
   * The next turn to start, or null. A turn recorded as running with nothing in memory was cut off
   * (crash, hand-off): it is tried again, unless it already had every attempt. A new turn takes the
   * inbox's oldest message ({@code queue}), or every waiting one up to max-inbox ({@code
   * coalesce}).
   */
  TurnStarted nextStart(ConversationState state) {
    var running = state.running();
    if (running != null) {
      // A hand-off (interrupted) is no crash: the same attempt number is tried again.
      int next = running.interrupted() ? running.attempt() : running.attempt() + 1;
      return next > settings.maxAttempts()
          ? null
          : new TurnStarted(running.turnId(), running.messageIds(), next, deps.clock().instant());
    }
    if (state.inbox().isEmpty()) {
      return null;
    }
    // The ids go into TurnStarted before the model is called, so a redo after a crash takes the
    // same messages; one arriving while the turn runs waits for the next turn.
    int take =
        settings.inboxPolicy() == ConversationSettings.InboxPolicy.COALESCE
            ? Math.max(1, Math.min(state.inbox().size(), settings.maxInbox()))
            : 1;
    List<String> ids = state.inbox().subList(0, take).stream().map(UserLine::id).toList();
    return new TurnStarted(state.nextTurnId(), ids, 1, deps.clock().instant());
  }

  /** Starts the attempt recorded in {@code state.running()}: the first model call. */
  void begin(ConversationState state) {
    var running = state.running();
    List<UserLine> user =
        state.inbox().stream().filter(line -> running.messageIds().contains(line.id())).toList();
    startedAt = deps.clock().instant();
    changes = new TurnChanges(state.memory(), deps.tools().memoryLimits());
    attempt =
        TurnAttempt.start(
            running.turnId(),
            running.attempt(),
            user,
            window.prompt(systemPrompt(state), state.turns(), user));
    context
        .getLog()
        .debug("{}: turn {} attempt {} starts", key, running.turnId(), running.attempt());
    timers.startSingleTimer(
        TimerKey.TURN_WATCHDOG,
        new TurnTimedOut(running.turnId(), running.attempt()),
        settings.turnTimeout());
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
        return completed(settings.roundLimitReply());
      }
      ToolCall asks =
          response.toolCalls().stream()
              .filter(call -> settings.confirmation().needsConfirmation(call.name()))
              .findFirst()
              .orElse(null);
      if (asks != null) {
        return new ConfirmationRequested(confirmation(response, asks), deps.clock().instant());
      }
      attempt = attempt.wantsTools(response);
      runTools(attempt.pendingCalls());
      return null;
    }
    String reply = response.content();
    return completed(reply == null || reply.isBlank() ? "(the model gave no answer)" : reply);
  }

  /** What a parked turn needs to resume, and the question to ask. */
  private PendingConfirmation confirmation(ChatResponse response, ToolCall asks) {
    String arguments =
        asks.arguments() == null ? "{}" : Utf16.cut(asks.arguments(), MAX_QUESTION_ARGUMENTS, "…");
    ReplyAddress address = attempt.user().isEmpty() ? null : attempt.user().get(0).address();
    // Turn and round say what is asked; the random tail tells apart a question asked again (a
    // redo after a crash, or the same turn id after an erasure), so a stale press of an earlier
    // question's button, which a channel may deliver again days later, counts for nothing.
    String confirmationId =
        "t"
            + attempt.turnId()
            + "r"
            + attempt.modelCalls()
            + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return new PendingConfirmation(
        confirmationId,
        attempt.turnId(),
        attempt.attempt(),
        attempt.user(),
        attempt.calls(),
        attempt.modelCalls(),
        response.content(),
        response.toolCalls().stream()
            .map(c -> new PendingConfirmation.RequestedCall(c.id(), c.name(), c.arguments()))
            .toList(),
        String.format(settings.confirmQuestion(), asks.name(), arguments),
        address == null ? null : address.userId(),
        deps.clock().instant().plus(settings.confirmationTimeout()),
        attempt.usage(),
        attempt.model());
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

  /**
   * The configured system prompt, then the conversation's memory when it holds any facts: the model
   * sees them in every turn.
   */
  String systemPrompt(ConversationState state) {
    String base = settings.systemPrompt();
    if (state.memory().isEmpty()) {
      return base;
    }
    StringBuilder out = new StringBuilder();
    if (base != null && !base.isBlank()) {
      out.append(base).append("\n\n");
    }
    out.append("Facts remembered in this conversation:");
    state.memory().forEach(fact -> out.append("\n- ").append(fact));
    return out.toString();
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
    List<ChatMessage> prompt =
        new ArrayList<>(window.prompt(systemPrompt(state), state.turns(), parked.user()));
    prompt.addAll(HistoryWindow.rounds(parked.calls()));
    List<ToolCall> requested =
        parked.requested().stream()
            .map(c -> new ToolCall(c.callId(), c.name(), c.arguments()))
            .toList();
    prompt.add(ChatMessage.assistant(parked.assistantText(), requested));
    startedAt = deps.clock().instant();
    changes = new TurnChanges(state.memory(), deps.tools().memoryLimits());
    attempt =
        new TurnAttempt(
            parked.turnId(),
            parked.attempt(),
            user,
            prompt,
            parked.modelCalls(),
            requested,
            parked.calls(),
            parked.usage(),
            parked.model());
    timers.startSingleTimer(
        TimerKey.TURN_WATCHDOG,
        new TurnTimedOut(parked.turnId(), parked.attempt()),
        settings.turnTimeout());
    if (approved) {
      runTools(requested);
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
    return failed(cmd.code(), cmd.reason());
  }

  TurnFailed onTimedOut(TurnTimedOut cmd) {
    if (!current(cmd.turnId(), cmd.attempt())) {
      return null;
    }
    context.getLog().warn("{}: turn {} ended by the watchdog", key, cmd.turnId());
    return failed("timeout", "the turn took longer than " + settings.turnTimeout());
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

  private boolean current(long turnId, int attemptNr) {
    return attempt != null && attempt.is(turnId, attemptNr);
  }

  private TurnCompleted completed(String reply) {
    return new TurnCompleted(
        attempt.turnId(),
        attempt.user(),
        attempt.calls(),
        Utf16.cut(reply, settings.maxReplyChars(), REPLY_CUT),
        deps.clock().instant(),
        attempt.usage(),
        attempt.model());
  }

  private TurnFailed failed(String code, String reason) {
    return new TurnFailed(
        attempt.turnId(),
        attempt.messageIds(),
        code,
        reason,
        settings.failureNotice(),
        deps.clock().instant());
  }

  private void askModel() {
    attempt = attempt.asked();
    long turnId = attempt.turnId();
    int nr = attempt.attempt();
    CompletionStage<ChatResponse> call;
    try {
      call = deps.model().complete(attempt.request(deps.tools().specs(channel)));
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(
        call,
        (response, error) -> {
          if (error == null) {
            return new ModelAnswered(turnId, nr, response);
          }
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          String code = cause instanceof ModelException m ? m.code() : "model-error";
          return new ModelFailed(turnId, nr, code, String.valueOf(cause.getMessage()));
        });
  }

  /**
   * Runs the round's calls concurrently, at most {@code max-concurrent-tools} at once, and brings
   * their results back in call order (see {@link ToolRound}).
   */
  private void runTools(List<ToolCall> calls) {
    long turnId = attempt.turnId();
    int nr = attempt.attempt();
    int round = attempt.modelCalls();
    TurnChanges turnChanges = changes;
    CompletionStage<List<String>> all =
        ToolRound.run(
            calls.size(),
            settings.maxConcurrentTools(),
            index -> {
              // Turn, model round and position: stable across redos of the same turn (the
              // model's call ids are not, OpenAI's are random), and different for every call
              // within one turn (ids such as "call_0" repeat from round to round when a server
              // numbers them itself).
              String idempotencyKey = key + "/" + turnId + "/" + round + "/" + index;
              ToolContext toolContext =
                  new ToolContext(key, idempotencyKey, deps.blockingExecutor(), turnChanges);
              return deps.tools().invoke(calls.get(index), toolContext);
            });
    context.pipeToSelf(
        all,
        (list, error) ->
            new ToolsFinished(
                turnId,
                nr,
                list != null ? list : calls.stream().map(c -> "error: " + error).toList()));
  }
}
