package dev.parley.async;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry policy of Parley's retry loops: at most {@code maxAttempts} attempts in all, and
 * before retry n (n = 1 for the first retry) a pause of {@code min * 2^(n-1)}, capped at {@code
 * max}, then stretched by a random share of up to {@code randomFactor} of itself. The jitter keeps
 * many conversations or nodes that failed together (a model server or Bot API outage) from retrying
 * in lockstep; as in Pekko's backoff supervisor, the cap applies before it, so a pause lies in
 * {@code [base, base * (1 + randomFactor)]}. A pause a server asks for (Retry-After) is the
 * caller's floor on top of this, never replaced by it. Pure: the random draw can be given, for
 * tests.
 */
public record Backoff(Duration min, Duration max, double randomFactor, int maxAttempts) {

  /** Up to 20 % on top of each pause: enough to spread retries, small enough to keep the pace. */
  public static final double RANDOM_FACTOR = 0.2;

  /** For loops that retry until they succeed or the node stops. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  public Backoff {
    if (min.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("a backoff's pauses must not be negative");
    }
    if (randomFactor < 0 || randomFactor > 1) {
      throw new IllegalArgumentException("a backoff's random factor must be 0 to 1");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("a backoff allows at least one attempt");
    }
    // A cap below the first pause means: every pause is the first one.
    max = max.compareTo(min) < 0 ? min : max;
  }

  /** Doubling from {@code min} up to {@code max}, with the usual jitter. */
  public static Backoff exponential(Duration min, Duration max, int maxAttempts) {
    return new Backoff(min, max, RANDOM_FACTOR, maxAttempts);
  }

  /** Whether another attempt may follow the {@code attemptsMade} made so far. */
  public boolean allowsRetryAfter(int attemptsMade) {
    return attemptsMade < maxAttempts;
  }

  /** The pause before retry {@code retry} (1 for the first retry), with a fresh random draw. */
  public Duration delay(int retry) {
    return delay(retry, ThreadLocalRandom.current().nextDouble());
  }

  /** The pause before retry {@code retry} for the random draw {@code random} in [0, 1). */
  public Duration delay(int retry, double random) {
    Duration base = base(retry);
    long extraNanos = (long) (saturatedNanos(base) * randomFactor * random);
    return base.plusNanos(extraNanos);
  }

  /** The pause before jitter: {@code min * 2^(retry-1)}, at most {@code max}. */
  public Duration base(int retry) {
    Duration pause = min;
    // Doubling stops at the cap, so any retry count (a loop that runs for days) is cheap.
    for (int n = 1; n < retry && !pause.isZero() && pause.compareTo(max) < 0; n++) {
      pause = pause.multipliedBy(2);
    }
    return pause.compareTo(max) > 0 ? max : pause;
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
