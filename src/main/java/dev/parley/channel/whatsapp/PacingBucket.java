package dev.parley.channel.whatsapp;

import java.util.function.LongSupplier;

/**
 * A token bucket for one sending number, kept as the time the next send is due (GCRA): up to {@code
 * burst} sends pass at once, then one every {@code 1/perSecond}. It never waits itself: it says how
 * long the caller should wait, and the caller schedules the send for then, so no thread ever blocks
 * on pacing. Thread-safe.
 */
final class PacingBucket {
  private final long intervalNanos;
  private final long toleranceNanos;
  private final LongSupplier nanoTime;
  private long dueNanos;

  PacingBucket(double perSecond, int burst, LongSupplier nanoTime) {
    this.intervalNanos = Math.max(1L, (long) (1_000_000_000L / perSecond));
    this.toleranceNanos = intervalNanos * (burst - 1L);
    this.nanoTime = nanoTime;
    this.dueNanos = nanoTime.getAsLong();
  }

  /** Takes a slot and returns how many nanoseconds from now it starts (0: now). */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    long start = Math.max(dueNanos, now);
    dueNanos = start + intervalNanos;
    return Math.max(0L, start - now - toleranceNanos);
  }

  /** Takes a slot only if it is free now; for best-effort calls that should rather be skipped. */
  synchronized boolean tryTake() {
    long now = nanoTime.getAsLong();
    long start = Math.max(dueNanos, now);
    if (start - now - toleranceNanos > 0) {
      return false;
    }
    dueNanos = start + intervalNanos;
    return true;
  }
}
