package dev.parley.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared retry policy's arithmetic: growth, cap, jitter bounds and attempt limit. */
class BackoffTest {
  private static final Duration MIN = Duration.ofMillis(500);
  private static final Duration MAX = Duration.ofSeconds(30);
  private final Backoff backoff = new Backoff(MIN, MAX, 0.2, 5);

  @Test
  void theBaseDoublesFromMinAndStopsAtMax() {
    assertEquals(Duration.ofMillis(500), backoff.base(1));
    assertEquals(Duration.ofMillis(1000), backoff.base(2));
    assertEquals(Duration.ofMillis(2000), backoff.base(3));
    assertEquals(Duration.ofMillis(16_000), backoff.base(6));
    assertEquals(MAX, backoff.base(7));
    assertEquals(MAX, backoff.base(1_000_000));
  }

  @Test
  void withoutARandomShareThePauseIsTheBase() {
    for (int retry = 1; retry <= 10; retry++) {
      assertEquals(backoff.base(retry), backoff.delay(retry, 0.0));
    }
  }

  @Test
  void theRandomShareAddsAtMostTheFactorOfTheBase() {
    assertEquals(Duration.ofMillis(550), backoff.delay(1, 0.5));
    assertEquals(Duration.ofSeconds(36), backoff.delay(20, 1.0));
    for (int retry = 1; retry <= 12; retry++) {
      for (int i = 0; i < 200; i++) {
        Duration pause = backoff.delay(retry);
        Duration base = backoff.base(retry);
        assertTrue(pause.compareTo(base) >= 0, pause + " below " + base);
        assertTrue(pause.compareTo(base.plus(base.dividedBy(5))) <= 0, pause + " above bound");
      }
    }
  }

  @Test
  void theCapHoldsEvenWithJitter() {
    for (int i = 0; i < 1_000; i++) {
      assertTrue(backoff.delay(50).compareTo(MAX.plus(MAX.dividedBy(5))) <= 0);
    }
  }

  @Test
  void attemptsAreCountedInAll() {
    assertTrue(backoff.allowsRetryAfter(1));
    assertTrue(backoff.allowsRetryAfter(4));
    assertFalse(backoff.allowsRetryAfter(5));
    Backoff once = Backoff.exponential(MIN, MAX, 1);
    assertFalse(once.allowsRetryAfter(1));
    assertTrue(Backoff.exponential(MIN, MAX, Backoff.UNLIMITED).allowsRetryAfter(1_000_000));
  }

  @Test
  void zeroAndOddSettingsStayBounded() {
    Backoff none = Backoff.exponential(Duration.ZERO, MAX, Backoff.UNLIMITED);
    assertEquals(Duration.ZERO, none.delay(Integer.MAX_VALUE));
    Backoff inverted = Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 3);
    assertEquals(Duration.ofSeconds(2), inverted.base(5));
    Backoff huge = Backoff.exponential(Duration.ofDays(365), Duration.ofDays(365 * 1000), 3);
    assertEquals(Duration.ofDays(365 * 1000), huge.base(Integer.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(MIN, MAX, 1.5, 3));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(MIN, MAX, 0.2, 0));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(MIN.negated(), MAX, 0.2, 3));
  }
}
