package dev.parley.channel;

/**
 * A token bucket of {@code burst} tokens refilled at {@code ratePerSecond}, kept as one number (the
 * time the bucket would be full again, as in GCRA) and used by reservation: {@link #earliest} says
 * when the next token is there, {@link #take} spends it at that time. Nothing waits here; callers
 * schedule the send. Times are nanoseconds on any monotonic clock. Not thread-safe. Both channels
 * pace their sends with it (Telegram per chat, group and bot; WhatsApp per number).
 */
public final class TokenBucket {
  private final long interval;
  private final long tolerance;
  private long fullAt = Long.MIN_VALUE / 4;

  public TokenBucket(double ratePerSecond, int burst) {
    if (ratePerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a positive rate and burst");
    }
    this.interval = Math.max(1L, Math.round(1_000_000_000d / ratePerSecond));
    this.tolerance = (burst - 1) * interval;
  }

  /** The earliest time, not before {@code now}, at which a token is available. */
  public long earliest(long now) {
    return Math.max(now, fullAt - tolerance);
  }

  /** Spends a token at {@code at} (which must not be before {@link #earliest}). */
  public void take(long at) {
    fullAt = Math.max(fullAt, at) + interval;
  }

  /** No token before {@code until} (a 429's retry_after). */
  public void pauseUntil(long until) {
    fullAt = Math.max(fullAt, until + tolerance);
  }

  /**
   * True when no token is there at {@code now}: spent, or held back by a pause ({@link
   * #pauseUntil}). For callers that skip rather than wait.
   */
  public boolean emptyAt(long now) {
    return earliest(now) > now;
  }

  /** True when the bucket is full at {@code now}: it is then the same as a fresh one. */
  public boolean idleAt(long now) {
    return fullAt <= now;
  }
}
