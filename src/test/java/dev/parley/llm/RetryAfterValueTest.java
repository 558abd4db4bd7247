package dev.parley.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterValueTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-12-05T01:00:00Z"), ZoneOffset.UTC);

  @Test
  void secondsOrAnHttpDate() {
    assertEquals(Optional.of(Duration.ofSeconds(120)), RetryAfterValue.parse(" 120 ", NOW));
    assertEquals(
        Optional.of(Duration.ofSeconds(90)),
        RetryAfterValue.parse("Sat, 05 Dec 2026 01:01:30 GMT", NOW));
  }

  @Test
  void aPastDateIsNowAndGarbageIsNothing() {
    assertEquals(
        Optional.of(Duration.ZERO), RetryAfterValue.parse("Fri, 04 Dec 2026 01:00:00 GMT", NOW));
    assertEquals(Optional.empty(), RetryAfterValue.parse("soon", NOW));
    assertEquals(Optional.empty(), RetryAfterValue.parse("-5", NOW));
    assertEquals(Optional.empty(), RetryAfterValue.parse("", NOW));
    assertEquals(Optional.empty(), RetryAfterValue.parse(null, NOW));
    assertEquals(
        Optional.of(Duration.ofSeconds(999_999_999L)),
        RetryAfterValue.parse("99999999999999999999", NOW));
  }
}
