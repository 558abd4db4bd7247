package dev.parley.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one phase of load produced: every answer counted by its kind ({@code 202 accepted}, {@code
 * 200 completed}, {@code 503}, {@code timeout}, ...), the latencies of the answers that count as
 * success or were acknowledged (a turn that failed, a wait that expired: what the user waited), and
 * how many acknowledged messages and completed turns there were. Thread-safe.
 */
final class LoadTally {
  /** How a request ended, as its {@link Workload} classifies it. */
  record Outcome(String kind, boolean success, boolean acknowledged, boolean turn) {
    static Outcome failure(String kind) {
      return new Outcome(kind, false, false, false);
    }
  }

  private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final LongAdder successes = new LongAdder();
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder turns = new LongAdder();

  void record(Outcome outcome, long latencyNanos) {
    byKind.computeIfAbsent(outcome.kind(), kind -> new LongAdder()).increment();
    if (outcome.success()) {
      successes.increment();
    }
    if (outcome.success() || outcome.acknowledged()) {
      latency.record(latencyNanos);
    }
    if (outcome.acknowledged()) {
      acknowledged.increment();
    }
    if (outcome.turn()) {
      turns.increment();
    }
  }

  LatencyHistogram latency() {
    return latency;
  }

  long successes() {
    return successes.sum();
  }

  long acknowledged() {
    return acknowledged.sum();
  }

  long turns() {
    return turns.sum();
  }

  long total() {
    return byKind.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Answers that were not a success, all kinds together. */
  long errors() {
    return total() - successes();
  }

  /** Every kind seen, sorted by name. */
  Map<String, Long> byKind() {
    Map<String, Long> sorted = new TreeMap<>();
    byKind.forEach((kind, n) -> sorted.put(kind, n.sum()));
    return sorted;
  }
}
