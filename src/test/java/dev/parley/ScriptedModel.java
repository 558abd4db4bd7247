package dev.parley;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelClient;
import dev.parley.llm.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The tests' one in-process model double (a {@link ModelClient}; {@link ModelServerDouble} is the
 * one over HTTP). It answers every call by a rule, on another thread (so overlapping calls would
 * show) or at once, after a gate opens, or holds each call until the test completes it. Records
 * every request, and counts the calls in flight and the most there ever were at once.
 */
public final class ScriptedModel implements ModelClient {
  /** A call: its request, and the answer the caller waits for. */
  public record Call(ChatRequest request, CompletableFuture<ChatResponse> answer) {
    public String lastUserText() {
      return ScriptedModel.lastUserText(request);
    }
  }

  private enum Mode {
    ON_ANOTHER_THREAD,
    AT_ONCE,
    HOLD
  }

  private final Mode mode;
  private final Function<ChatRequest, ChatResponse> rule;
  private final CompletionStage<?> gate;
  private final LinkedBlockingQueue<Call> held = new LinkedBlockingQueue<>();
  public final ConcurrentLinkedQueue<ChatRequest> requests = new ConcurrentLinkedQueue<>();
  public final AtomicInteger inFlight = new AtomicInteger();
  public final AtomicInteger maxInFlight = new AtomicInteger();

  private ScriptedModel(
      Mode mode, Function<ChatRequest, ChatResponse> rule, CompletionStage<?> gate) {
    this.mode = mode;
    this.rule = rule;
    this.gate = gate;
  }

  /** Answers "re: <last user text>" to every call, on another thread. */
  public static ScriptedModel echo() {
    return answering(r -> text("re: " + lastUserText(r)));
  }

  /** Answers every call by {@code rule}, on another thread. */
  public static ScriptedModel answering(Function<ChatRequest, ChatResponse> rule) {
    return new ScriptedModel(Mode.ON_ANOTHER_THREAD, rule, null);
  }

  /**
   * Answers every call by {@code rule} before {@link #complete} returns, on the caller's thread.
   */
  public static ScriptedModel answeringAtOnce(Function<ChatRequest, ChatResponse> rule) {
    return new ScriptedModel(Mode.AT_ONCE, rule, null);
  }

  /**
   * Answers every call by {@code rule} once {@code gate} completes: at once after that, and until
   * then on the thread that completes it.
   */
  public static ScriptedModel answeringAfter(
      CompletionStage<?> gate, Function<ChatRequest, ChatResponse> rule) {
    return new ScriptedModel(Mode.AT_ONCE, rule, gate);
  }

  /** Holds every call until the test completes it through {@link #nextCall}. */
  public static ScriptedModel holding() {
    return new ScriptedModel(Mode.HOLD, null, null);
  }

  /** A text answer, finish reason "stop". */
  public static ChatResponse text(String text) {
    return new ChatResponse(text, List.of(), "stop");
  }

  /** An answer asking for these tool calls, with no text. */
  public static ChatResponse toolCalls(ToolCall... calls) {
    return new ChatResponse(null, List.of(calls), "tool_calls");
  }

  /** The content of the request's last user message, or null if it has none. */
  public static String lastUserText(ChatRequest request) {
    List<ChatMessage> m = request.messages();
    for (int i = m.size() - 1; i >= 0; i--) {
      if (m.get(i).role().equals("user")) {
        return m.get(i).content();
      }
    }
    return null;
  }

  /** The role of the request's last message ("user", "tool", ...). */
  public static String lastRole(ChatRequest request) {
    List<ChatMessage> m = request.messages();
    return m.get(m.size() - 1).role();
  }

  @Override
  public CompletionStage<ChatResponse> complete(ChatRequest request) {
    requests.add(request);
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
    // The caller gets the stage after the count: a completed future runs its callbacks last
    // registered first, so counting on a side branch let the entity's pipeToSelf run (and start
    // the next call) before the decrement, and maxInFlight saw 2 under load.
    CompletableFuture<ChatResponse> counted =
        answer.whenComplete((r, e) -> inFlight.decrementAndGet());
    switch (mode) {
      case HOLD -> held.add(new Call(request, answer));
      case ON_ANOTHER_THREAD -> CompletableFuture.runAsync(() -> apply(request, answer));
      case AT_ONCE -> {
        if (gate == null) {
          apply(request, answer);
        } else {
          gate.whenComplete((open, e) -> apply(request, answer));
        }
      }
    }
    return counted;
  }

  private void apply(ChatRequest request, CompletableFuture<ChatResponse> answer) {
    try {
      answer.complete(rule.apply(request));
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
  }

  /** The last user text of every call so far, oldest first. */
  public List<String> userTexts() {
    return requests.stream().map(ScriptedModel::lastUserText).toList();
  }

  /** The next held call, waiting for it at most {@code within}. */
  public Call nextCall(Duration within) {
    try {
      Call call = held.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (call == null) {
        throw new AssertionError("no model call within " + within);
      }
      return call;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public int heldCount() {
    return held.size();
  }
}
