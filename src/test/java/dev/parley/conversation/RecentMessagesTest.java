package dev.parley.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentMessagesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static RecentMessages settled(int n, Instant at, DedupeLimits limits) {
    RecentMessages recent = RecentMessages.empty();
    for (int i = 0; i < n; i++) {
      recent =
          recent.add("m" + i, at, limits).resolve(List.of("m" + i), Outcome.COMPLETED, i, null);
    }
    return recent;
  }

  @Test
  void keepsYoungIdsPastKeepLast() {
    var limits = new DedupeLimits(3, Duration.ofDays(7), 100);
    var recent = settled(10, T0, limits);
    assertEquals(10, recent.entries().size());
    assertTrue(recent.find("m0").isPresent());
  }

  @Test
  void forgetsOldIdsBeyondKeepLast() {
    var limits = new DedupeLimits(3, Duration.ofDays(7), 100);
    var recent = settled(10, T0, limits).add("late", T0.plus(Duration.ofDays(8)), limits);
    assertEquals(3, recent.entries().size());
    assertTrue(recent.find("m0").isEmpty());
    assertTrue(recent.find("m9").isPresent());
    assertTrue(recent.find("late").isPresent());
  }

  @Test
  void neverHoldsMoreThanTheHardCap() {
    var limits = new DedupeLimits(3, Duration.ofDays(7), 5);
    var recent = settled(10, T0, limits);
    assertEquals(5, recent.entries().size());
    assertTrue(recent.find("m9").isPresent());
  }

  @Test
  void neverForgetsAnIdStillWaitingForItsTurn() {
    var limits = new DedupeLimits(1, Duration.ZERO, 2);
    var recent = RecentMessages.empty().add("open", T0, limits);
    recent = recent.add("b", T0, limits).add("c", T0, limits);
    assertTrue(recent.find("open").isPresent());
  }
}
