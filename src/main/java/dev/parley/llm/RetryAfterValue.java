package dev.parley.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A {@code Retry-After} header value (RFC 9110): a number of seconds or an HTTP date. What a server
 * sends is trusted only so far: a date in the past means now, and anything unreadable means the
 * server did not say.
 */
final class RetryAfterValue {
  private RetryAfterValue() {}

  static Optional<Duration> parse(String value) {
    return parse(value, Clock.systemUTC());
  }

  static Optional<Duration> parse(String value, Clock clock) {
    String text = value == null ? "" : value.strip();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.chars().allMatch(Character::isDigit)) {
      // More digits than any sane pause: read as "a long time", not as an overflow.
      return Optional.of(
          text.length() > 9
              ? Duration.ofSeconds(999_999_999L)
              : Duration.ofSeconds(Long.parseLong(text)));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration until = Duration.between(clock.instant(), at.toInstant());
      return Optional.of(until.isNegative() ? Duration.ZERO : until);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
