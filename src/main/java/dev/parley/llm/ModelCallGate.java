package dev.parley.llm;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Admits at most {@code limit} model requests at once; the others wait their turn, in arrival
 * order, instead of failing. Without it a burst of turns overflows the HTTP pool's queue and each
 * overflowing turn fails with a notice although the model server never saw it: overload must slow
 * turns down, not fail them. A conversation runs one turn at a time, so the queue holds about one
 * call per busy conversation; a call that waited longer than {@code maxWait} (a turn's own watchdog
 * has given up on it by then) fails when its turn comes instead of taking a slot.
 */
final class ModelCallGate {
  private final int limit;
  private final long maxWaitNanos;
  private final Executor executor;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int running;

  /** A call waiting for a slot: how to start it, and since when it waits. */
  private record Waiting(Runnable start, Runnable expire, long since) {}

  /** Waiting calls are started on {@code executor}, never on the thread that freed the slot. */
  ModelCallGate(int limit, Duration maxWait, Executor executor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.limit = limit;
    this.maxWaitNanos = maxWait.toNanos();
    this.executor = executor;
  }

  /** Runs {@code call} once a slot is free; the slot is held until its stage completes. */
  <T> CompletionStage<T> submit(Supplier<? extends CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> run(call, result);
    boolean now;
    synchronized (this) {
      now = running < limit;
      if (now) {
        running++;
      } else {
        waiting.add(
            new Waiting(
                start,
                () ->
                    result.completeExceptionally(
                        new ModelException(
                            "overloaded",
                            "waited longer than "
                                + Duration.ofNanos(maxWaitNanos).toSeconds()
                                + " s for a free connection to the model server",
                            false)),
                System.nanoTime()));
      }
    }
    if (now) {
      start.run();
    }
    return result;
  }

  /** Requests in flight now. */
  synchronized int inFlight() {
    return running;
  }

  /** Requests waiting for a slot now. */
  synchronized int queued() {
    return waiting.size();
  }

  private <T> void run(Supplier<? extends CompletionStage<T>> call, CompletableFuture<T> result) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (Throwable e) {
      // Whatever it throws, the slot must come back.
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (value, error) -> {
          release();
          if (error == null) {
            result.complete(value);
          } else {
            result.completeExceptionally(error);
          }
        });
  }

  private void release() {
    Waiting next;
    long now = System.nanoTime();
    synchronized (this) {
      next = waiting.poll();
      while (next != null && now - next.since() > maxWaitNanos) {
        Runnable expire = next.expire();
        executor.execute(expire);
        next = waiting.poll();
      }
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      // The slot passes straight to the next call; started elsewhere so that a chain of calls
      // that fail at once cannot recurse on this thread's stack.
      executor.execute(next.start());
    }
  }
}
