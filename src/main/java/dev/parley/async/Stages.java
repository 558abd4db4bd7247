package dev.parley.async;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Continues Pekko's stages on a dispatcher instead of the JDK's default async executor. The
 * returned future is completed by one task on {@code executor}; what is chained to it without an
 * executor then runs right there, on that dispatcher thread, and no thread is ever started for it.
 * Everything chained to such a future must be non-blocking, as on any dispatcher.
 */
public final class Stages {
  private Stages() {}

  /** {@code stage}'s outcome, delivered on {@code executor}. */
  public static <T> CompletableFuture<T> on(Executor executor, CompletionStage<T> stage) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, error) -> {
          if (error == null) {
            plain.complete(value);
          } else {
            plain.completeExceptionally(error);
          }
        },
        runInlineIfRefused(executor));
    return plain;
  }

  /** At shutdown a dispatcher refuses new tasks; the outcome must still be delivered. */
  private static Executor runInlineIfRefused(Executor executor) {
    return task -> {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    };
  }
}
