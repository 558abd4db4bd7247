package dev.parley.conversation;

import dev.parley.llm.ChatMessage;
import dev.parley.llm.ChatRequest;
import dev.parley.llm.ChatResponse;
import dev.parley.llm.ModelClient;
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
 * A model double for entity tests: either answers every call by a rule (on another thread, so
 * overlapping calls would show), or holds each call until the test completes it. Counts the calls
 * in flight and the most there ever were at once.
 */
final class ScriptedModel implements ModelClient {
  record Call(ChatRequest request, CompletableFuture<ChatResponse> answer) {
    String lastUserText() {
      List<ChatMessage> m = request.messages();
      for (int i = m.size() - 1; i >= 0; i--) {
        if (m.get(i).role().equals("user")) {
          return m.get(i).content();
        }
      }
      return null;
    }
  }

  private final Function<ChatRequest, ChatResponse> rule;
  private final LinkedBlockingQueue<Call> held = new LinkedBlockingQueue<>();
  final ConcurrentLinkedQueue<ChatRequest> requests = new ConcurrentLinkedQueue<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  private ScriptedModel(Function<ChatRequest, ChatResponse> rule) {
    this.rule = rule;
  }

  /** Answers "re: <last user text>" to every call. */
  static ScriptedModel echo() {
    return answering(r -> text("re: " + new Call(r, null).lastUserText()));
  }

  static ScriptedModel answering(Function<ChatRequest, ChatResponse> rule) {
    return new ScriptedModel(rule);
  }

  /** Holds every call until the test completes it through {@link #nextCall}. */
  static ScriptedModel holding() {
    return new ScriptedModel(null);
  }

  static ChatResponse text(String text) {
    return new ChatResponse(text, List.of(), "stop");
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
    if (rule == null) {
      held.add(new Call(request, answer));
    } else {
      CompletableFuture.runAsync(
          () -> {
            try {
              answer.complete(rule.apply(request));
            } catch (RuntimeException e) {
              answer.completeExceptionally(e);
            }
          });
    }
    return counted;
  }

  Call nextCall(Duration within) {
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

  int heldCount() {
    return held.size();
  }
}
