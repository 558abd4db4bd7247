package dev.parley.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonic count per combination of label values. Thread-safe and cheap on the hot path (one map
 * lookup and a {@link LongAdder} increment). Label values must come from a small, fixed vocabulary:
 * each combination is a series kept for the life of the process.
 */
public final class Counter {
  private final String name;
  private final String help;
  private final List<String> labelNames;
  private final Map<List<String>, LongAdder> series = new ConcurrentHashMap<>();

  Counter(String name, String help, List<String> labelNames) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    if (labelNames.isEmpty()) {
      series.put(List.of(), new LongAdder());
    }
  }

  public void inc(String... labelValues) {
    add(1, labelValues);
  }

  public void add(long amount, String... labelValues) {
    if (amount < 0) {
      throw new IllegalArgumentException(name + " is a counter; it cannot go down");
    }
    series
        .computeIfAbsent(Names.values(name, labelNames, labelValues), k -> new LongAdder())
        .add(amount);
  }

  /** Makes the series exist at 0, so that it is scraped before its first event. */
  public Counter init(String... labelValues) {
    add(0, labelValues);
    return this;
  }

  public long value(String... labelValues) {
    LongAdder adder = series.get(Names.values(name, labelNames, labelValues));
    return adder == null ? 0 : adder.sum();
  }

  Family collect() {
    List<Sample> samples = new ArrayList<>();
    series.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Counter::compareValues))
        .forEach(e -> samples.add(new Sample(name, labelNames, e.getKey(), e.getValue().sum())));
    return new Family(name, help, "counter", samples);
  }

  static int compareValues(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Comparator.<Integer>naturalOrder().compare(a.size(), b.size());
  }
}
