package dev.parley.llm;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Admits at most {@code limit} model requests at once; the others wait their turn, in arrival
 * order, instead of failing. Without it a burst of turns overflows the HTTP pool's queue and each
 * overflowing turn fails with a notice although the model server never saw it: overload must slow
 * turns down, not fail them. The queue needs no cap of its own: a conversation runs one turn at a
 * time, so it never holds more calls than there are conversations with a turn running.
 */
final class ModelCallGate {
  private final int limit;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  /** Waiting calls are started on {@code executor}, never on the thread that freed the slot. */
  ModelCallGate(int limit, Executor executor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.limit = limit;
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
        waiting.add(start);
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
    } catch (RuntimeException e) {
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
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      // The slot passes straight to the next call; started elsewhere so that a chain of calls
      // that fail at once cannot recurse on this thread's stack.
      executor.execute(next);
    }
  }
}
