package dev.parley.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Sharing one computation's answer: while it runs, while it is recent, and not after. */
class RecentTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<CompletableFuture<String>> runs = new ArrayList<>();

  private Recent<String> recent(Duration reuseFor) {
    return new Recent<>(
        reuseFor,
        () -> {
          CompletableFuture<String> run = new CompletableFuture<>();
          runs.add(run);
          return run;
        },
        now::get);
  }

  @Test
  void callersDuringARunShareIt() {
    Recent<String> recent = recent(Duration.ofMillis(100));
    CompletableFuture<String> first = recent.get();
    CompletableFuture<String> second = recent.get();
    assertEquals(1, runs.size());
    runs.get(0).complete("up");
    assertEquals("up", first.join());
    assertEquals("up", second.join());
  }

  @Test
  void anAnswerIsReusedUntilItIsOlderThanReuseFor() {
    Recent<String> recent = recent(Duration.ofMillis(100));
    recent.get();
    runs.get(0).complete("up");
    now.addAndGet(Duration.ofMillis(99).toNanos());
    assertEquals("up", recent.get().join());
    assertEquals(1, runs.size());

    now.addAndGet(Duration.ofMillis(1).toNanos());
    CompletableFuture<String> next = recent.get();
    assertEquals(2, runs.size());
    assertFalse(next.isDone());
    runs.get(1).complete("down");
    assertEquals("down", next.join());
  }

  @Test
  void theAgeCountsFromTheAnswerNotFromTheStart() {
    Recent<String> recent = recent(Duration.ofMillis(100));
    recent.get();
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    runs.get(0).complete("slow");
    now.addAndGet(Duration.ofMillis(50).toNanos());
    assertEquals("slow", recent.get().join());
    assertEquals(1, runs.size());
  }

  @Test
  void aFailureIsSharedLikeAnAnswerAndThenAskedAgain() {
    Recent<String> recent = recent(Duration.ofMillis(100));
    CompletableFuture<String> first = recent.get();
    runs.get(0).completeExceptionally(new IllegalStateException("db down"));
    ExecutionException seen = assertThrows(ExecutionException.class, () -> recent.get().get());
    assertEquals("db down", seen.getCause().getMessage());
    assertTrue(first.isCompletedExceptionally());
    now.addAndGet(Duration.ofMillis(100).toNanos());
    recent.get();
    assertEquals(2, runs.size());
  }

  @Test
  void aComputationThatThrowsIsAFailedAnswer() {
    Recent<String> recent =
        new Recent<>(
            Duration.ofMillis(100),
            () -> {
              throw new IllegalArgumentException("broken");
            },
            now::get);
    ExecutionException seen = assertThrows(ExecutionException.class, () -> recent.get().get());
    assertEquals("broken", seen.getCause().getMessage());
  }

  @Test
  void withZeroOnlyARunInProgressIsShared() {
    Recent<String> recent = recent(Duration.ZERO);
    CompletableFuture<String> first = recent.get();
    assertEquals(1, runs.size());
    assertFalse(first.isDone());
    recent.get();
    assertEquals(1, runs.size());
    runs.get(0).complete("up");
    recent.get();
    assertEquals(2, runs.size());
  }

  @Test
  void aCallerCompletingItsCopyChangesNoOtherAnswer() {
    Recent<String> recent = recent(Duration.ofMillis(100));
    CompletableFuture<String> meddler = recent.get();
    CompletableFuture<String> other = recent.get();
    meddler.complete("forged");
    runs.get(0).complete("up");
    assertEquals("up", other.join());
    assertEquals("up", recent.get().join());
  }

  @Test
  void manyThreadsAtOnceStartOneRun() throws Exception {
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String> gate = new CompletableFuture<>();
    Recent<String> recent =
        new Recent<>(
            Duration.ofSeconds(60),
            () -> {
              started.incrementAndGet();
              return gate;
            });
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(threads);
    List<CompletableFuture<String>> answers = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<CompletableFuture<String>>> calls = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        calls.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  return recent.get();
                }));
      }
      for (var call : calls) {
        answers.add(call.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    gate.complete("up");
    assertEquals(1, started.get());
    for (CompletableFuture<String> answer : answers) {
      assertEquals("up", answer.join());
    }
  }
}
