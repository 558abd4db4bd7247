package dev.parley.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request latencies in logarithmic buckets, each 2 % wider than the one before, from 1 µs to about
 * 400 s: fixed memory (1,000 counters) whatever the request count, safe to record into from any
 * thread, and percentiles within 2 % of the true value. The maximum is kept exactly.
 */
final class LatencyHistogram {
  private static final double GROWTH = 1.02;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  private static final int BUCKETS = 1_000;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder count = new LongAdder();
  private final LongAdder sumMicros = new LongAdder();
  private final LongAccumulator maxMicros = new LongAccumulator(Long::max, 0);

  void record(long nanos) {
    long micros = Math.max(1, nanos / 1_000);
    int bucket = (int) Math.min(BUCKETS - 1, Math.floor(Math.log(micros) / LOG_GROWTH));
    counts.incrementAndGet(bucket);
    count.increment();
    sumMicros.add(micros);
    maxMicros.accumulate(micros);
  }

  long count() {
    return count.sum();
  }

  double meanMillis() {
    long n = count.sum();
    return n == 0 ? 0 : sumMicros.sum() / 1_000.0 / n;
  }

  double maxMillis() {
    return maxMicros.get() / 1_000.0;
  }

  /**
   * The latency below which a share {@code p} (0..1) of the recorded requests fell: the upper bound
   * of the bucket holding that rank, never above the maximum seen. 0 when nothing was recorded.
   */
  double percentileMillis(double p) {
    long n = count.sum();
    if (n == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p * n));
    long seen = 0;
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      seen += counts.get(bucket);
      if (seen >= rank) {
        double upperMicros = Math.pow(GROWTH, bucket + 1);
        return Math.min(upperMicros, maxMicros.get()) / 1_000.0;
      }
    }
    return maxMillis();
  }
}
