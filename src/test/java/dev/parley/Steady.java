package dev.parley;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Waits for a count that may still grow for a moment (requests already on the wire when their
 * sender stopped) to stop changing.
 */
public final class Steady {
  private static final Duration POLL = Duration.ofMillis(50);

  private Steady() {}

  /**
   * Polls {@code count} until it has not changed for {@code quiet}; returns it then. Fails if it
   * still changes after {@code timeout}.
   */
  public static int count(IntSupplier count, Duration quiet, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int last = count.getAsInt();
    long since = System.nanoTime();
    while (System.nanoTime() - since < quiet.toNanos()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still changing after " + timeout + ", last " + last);
      }
      Thread.sleep(POLL.toMillis());
      int now = count.getAsInt();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      }
    }
    return last;
  }
}
