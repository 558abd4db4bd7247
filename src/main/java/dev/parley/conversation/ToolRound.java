package dev.parley.conversation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The tool calls of one model round, run concurrently but at most {@code maxConcurrent} at once
 * ({@code parley.conversation.max-concurrent-tools}), their results in the order of the calls
 * whatever order they finish in: the model matches results to calls by position. A call starts when
 * an earlier one ends, on the thread that ended it (never the JDK's common pool); nothing here
 * blocks. A call that fails, or throws, gives {@code error: ...} as its result.
 */
final class ToolRound {
  private final int count;
  private final IntFunction<CompletionStage<String>> call;
  private final String[] results;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger remaining;
  private final CompletableFuture<List<String>> all = new CompletableFuture<>();

  private ToolRound(int count, IntFunction<CompletionStage<String>> call) {
    this.count = count;
    this.call = call;
    this.results = new String[count];
    this.remaining = new AtomicInteger(count);
  }

  /**
   * Starts calls {@code 0..count-1} ({@code call} starts the one at an index), at most {@code
   * maxConcurrent} at a time; the stage ends with all results, by index.
   */
  static CompletionStage<List<String>> run(
      int count, int maxConcurrent, IntFunction<CompletionStage<String>> call) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("max-concurrent-tools must be at least 1");
    }
    if (count == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    ToolRound round = new ToolRound(count, call);
    for (int lane = 0; lane < Math.min(maxConcurrent, count); lane++) {
      round.startNext();
    }
    return round.all;
  }

  /** Starts the next call not yet started, if any; its end starts the one after it. */
  private void startNext() {
    int index = next.getAndIncrement();
    if (index >= count) {
      return;
    }
    CompletionStage<String> stage;
    try {
      stage = call.apply(index);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (result, error) -> {
          results[index] = error == null ? result : "error: " + error.getMessage();
          // The decrement publishes this result to whichever thread completes the round.
          if (remaining.decrementAndGet() == 0) {
            all.complete(Collections.unmodifiableList(Arrays.asList(results)));
          } else {
            startNext();
          }
        });
  }
}
