package dev.parley.channel.whatsapp;

import dev.parley.channel.TokenBucket;
import java.util.function.LongSupplier;

/**
 * The {@link TokenBucket} of one sending number, made thread-safe and given its clock: up to {@code
 * burst} sends pass at once, then one every {@code 1/perSecond}. It never waits itself: it says how
 * long the caller should wait, and the caller schedules the send for then, so no thread ever blocks
 * on pacing.
 */
final class PacingBucket {
  private final TokenBucket bucket;
  private final LongSupplier nanoTime;

  PacingBucket(double perSecond, int burst, LongSupplier nanoTime) {
    this.bucket = new TokenBucket(perSecond, burst);
    this.nanoTime = nanoTime;
  }

  /** Takes a slot and returns how many nanoseconds from now it starts (0: now). */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    long at = bucket.earliest(now);
    bucket.take(at);
    return at - now;
  }

  /** Takes a slot only if it is free now; for best-effort calls that should rather be skipped. */
  synchronized boolean tryTake() {
    long now = nanoTime.getAsLong();
    if (bucket.earliest(now) > now) {
      return false;
    }
    bucket.take(now);
    return true;
  }
}
