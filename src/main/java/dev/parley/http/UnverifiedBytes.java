package dev.parley.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of webhook bodies this node holds before their signature is checked, capped across all
 * requests: anyone can send such bodies, so without a cap a thousand slow connections could hold a
 * thousand bodies' worth of heap. A reader holds bytes as they arrive and releases them once the
 * body is verified or refused. Thread-safe.
 */
final class UnverifiedBytes {
  private final long cap;
  private final AtomicLong held = new AtomicLong();

  UnverifiedBytes(long cap) {
    this.cap = cap;
  }

  /** Holds {@code n} more bytes; false (holding nothing) when that would pass the cap. */
  boolean tryHold(long n) {
    while (true) {
      long now = held.get();
      if (now + n > cap) {
        return false;
      }
      if (held.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  void release(long n) {
    held.addAndGet(-n);
  }

  long held() {
    return held.get();
  }
}
