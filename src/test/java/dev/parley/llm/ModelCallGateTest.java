package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelCallGateTest {

  @Test
  void callsPastTheLimitWaitInOrderAndStartWhenASlotFrees() {
    ModelCallGate gate = new ModelCallGate(1, Duration.ofMinutes(5), Runnable::run);
    CompletableFuture<String> first = new CompletableFuture<>();
    AtomicInteger started = new AtomicInteger();
    var a = gate.submit(() -> first);
    var b =
        gate.submit(
            () -> {
              started.incrementAndGet();
              return CompletableFuture.completedFuture("b");
            });
    assertEquals(0, started.get(), "the second waits for the first");
    assertEquals(1, gate.queued());
    first.complete("a");
    assertEquals("a", a.toCompletableFuture().join());
    assertEquals("b", b.toCompletableFuture().join());
    assertEquals(0, gate.inFlight());
  }

  @Test
  void aCallThatWaitedTooLongFailsInsteadOfTakingTheSlot() {
    ModelCallGate gate = new ModelCallGate(1, Duration.ZERO, Runnable::run);
    CompletableFuture<String> first = new CompletableFuture<>();
    gate.submit(() -> first);
    AtomicInteger started = new AtomicInteger();
    var late =
        gate.submit(
            () -> {
              started.incrementAndGet();
              return CompletableFuture.completedFuture("late");
            });
    first.complete("a");
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CompletionException.class, () -> late.toCompletableFuture().join());
    assertEquals("overloaded", assertInstanceOf(ModelException.class, e.getCause()).code());
    assertEquals(0, started.get());
    assertEquals(0, gate.inFlight(), "the slot came back");
  }

  @Test
  void aCallThatThrowsGivesItsSlotBack() {
    ModelCallGate gate = new ModelCallGate(1, Duration.ofMinutes(5), Runnable::run);
    var failed =
        gate.submit(
            () -> {
              throw new StackOverflowError("boom");
            });
    assertTrue(failed.toCompletableFuture().isCompletedExceptionally());
    assertEquals(0, gate.inFlight());
    assertFalse(
        gate.submit(() -> CompletableFuture.completedFuture("next"))
            .toCompletableFuture()
            .isCompletedExceptionally());
  }
}
