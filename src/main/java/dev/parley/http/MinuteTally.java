package dev.parley.http;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Counts events by reason and writes at most one line a minute about them, so that a flood of
 * refused or unreadable deliveries (anyone can send them) cannot flood the log. The first event
 * writes a line at once; later ones are summed into the next line, written by the first event a
 * minute or more after the last line. The exact counts are in the metrics. Thread-safe. Reasons
 * must come from a small fixed vocabulary, never from the request.
 */
final class MinuteTally {
  static final Duration EVERY = Duration.ofMinutes(1);

  private final String events;
  private final Consumer<String> line;
  private final LongSupplier nanoTime;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final AtomicLong nextLineAt;

  /**
   * {@code events} names what is counted ("WhatsApp deliveries refused"), {@code line} writes a
   * line (a logger call), {@code nanoTime} is a monotonic clock.
   */
  MinuteTally(String events, Consumer<String> line, LongSupplier nanoTime) {
    this.events = events;
    this.line = line;
    this.nanoTime = nanoTime;
    this.nextLineAt = new AtomicLong(nanoTime.getAsLong());
  }

  void add(String reason) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
    long now = nanoTime.getAsLong();
    long next = nextLineAt.get();
    if (now - next >= 0 && nextLineAt.compareAndSet(next, now + EVERY.toNanos())) {
      line.accept(summary());
    }
  }

  private String summary() {
    Map<String, Long> drained = new TreeMap<>();
    counts.forEach((reason, count) -> drained.put(reason, count.sumThenReset()));
    drained.values().removeIf(n -> n == 0);
    long total = drained.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder text = new StringBuilder();
    text.append(events).append(": ").append(total).append(" since the last such line (");
    drained.forEach((reason, n) -> text.append(reason).append(' ').append(n).append(", "));
    text.setLength(text.length() - 2);
    return text.append("); at most one such line a minute").toString();
  }
}
