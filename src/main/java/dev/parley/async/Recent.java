package dev.parley.async;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The answer of an asynchronous computation, shared for {@code reuseFor} after it completed: every
 * caller in that time gets the same answer, and callers that come while it runs wait for that run
 * instead of starting their own. So a thousand probes a second cost as many computations as {@code
 * reuseFor} allows, never more. A computation that fails is shared the same way (its failure is an
 * answer too) and a computation that throws instead of returning a stage counts as a failed one.
 * {@code Duration.ZERO} shares only the runs in progress. Callers get copies, so one that completes
 * or cancels its future changes nobody else's answer.
 */
public final class Recent<T> {
  private final Supplier<? extends CompletionStage<T>> compute;
  private final long reuseForNanos;
  private final LongSupplier nanoClock;
  private final AtomicReference<Run<T>> current = new AtomicReference<>();

  /** One computation: its answer, and when that answer came. */
  private static final class Run<T> {
    final CompletableFuture<T> answer = new CompletableFuture<>();
    volatile long doneAt;

    boolean freshAt(long now, long reuseForNanos) {
      return !answer.isDone() || now - doneAt < reuseForNanos;
    }
  }

  public Recent(Duration reuseFor, Supplier<? extends CompletionStage<T>> compute) {
    this(reuseFor, compute, System::nanoTime);
  }

  Recent(Duration reuseFor, Supplier<? extends CompletionStage<T>> compute, LongSupplier clock) {
    this.compute = compute;
    this.reuseForNanos = reuseFor.toNanos();
    this.nanoClock = clock;
  }

  /** The shared answer: the last one while it is recent or still running, else a new run's. */
  public CompletableFuture<T> get() {
    while (true) {
      Run<T> run = current.get();
      if (run != null && run.freshAt(nanoClock.getAsLong(), reuseForNanos)) {
        return run.answer.copy();
      }
      Run<T> mine = new Run<>();
      if (current.compareAndSet(run, mine)) {
        start(mine);
        return mine.answer.copy();
      }
    }
  }

  private void start(Run<T> run) {
    CompletionStage<T> stage;
    try {
      stage = compute.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (value, error) -> {
          // Written before the answer completes, so any caller that sees it done sees the time.
          run.doneAt = nanoClock.getAsLong();
          if (error == null) {
            run.answer.complete(value);
          } else {
            run.answer.completeExceptionally(error);
          }
        });
  }
}
