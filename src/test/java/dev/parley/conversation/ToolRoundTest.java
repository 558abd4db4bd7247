package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** {@link ToolRound} without actors: the bound, the order of results, failures as results. */
class ToolRoundTest {

  @Test
  void resultsComeInCallOrderAndOnlyMaxConcurrentStartAtOnce() {
    List<CompletableFuture<String>> started = new ArrayList<>();
    CompletionStage<List<String>> all =
        ToolRound.run(
            5,
            2,
            index -> {
              CompletableFuture<String> f = new CompletableFuture<>();
              started.add(f);
              return f;
            });
    assertEquals(2, started.size());
    started.get(1).complete("b");
    assertEquals(3, started.size());
    started.get(2).complete("c");
    started.get(3).complete("d");
    started.get(4).complete("e");
    assertFalse(all.toCompletableFuture().isDone());
    started.get(0).complete("a");
    assertEquals(List.of("a", "b", "c", "d", "e"), all.toCompletableFuture().join());
  }

  @Test
  void aFailedOrThrowingCallGivesAnErrorResultAndTheOthersGoOn() {
    CompletionStage<List<String>> all =
        ToolRound.run(
            3,
            1,
            index -> {
              if (index == 0) {
                throw new IllegalStateException("thrown");
              }
              return index == 1
                  ? CompletableFuture.failedFuture(new RuntimeException("failed"))
                  : CompletableFuture.completedFuture("fine");
            });
    assertEquals(
        List.of("error: thrown", "error: failed", "fine"), all.toCompletableFuture().join());
  }

  @Test
  void noCallsIsAnEmptyRoundAndABoundBelowOneIsRefused() {
    assertEquals(List.of(), ToolRound.run(0, 4, index -> null).toCompletableFuture().join());
    assertThrows(IllegalArgumentException.class, () -> ToolRound.run(1, 0, index -> null));
  }
}
