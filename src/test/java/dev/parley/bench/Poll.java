package dev.parley.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting with a deadline for a condition of the node under load, which runs in its own process and
 * can only be asked (its {@code /metrics}): the condition is checked, and checked again after
 * {@code every}, until it holds or {@code limit} has passed. Never a wait of fixed length.
 */
final class Poll {
  private Poll() {}

  /** The condition; asking the node may be interrupted. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws InterruptedException;
  }

  /** True once {@code done} holds; false when {@code limit} passed first. */
  static boolean until(Duration limit, Duration every, Condition done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.holds()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(every.toNanos(), left));
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for the node");
      }
    }
    return true;
  }
}
