package dev.parley.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets (upper bounds, plus {@code +Inf}), with their sum, per
 * combination of label values. Thread-safe; an observation is a bucket search and two adder
 * updates. The exposition is cumulative as Prometheus expects, and {@code _count} is the {@code
 * +Inf} bucket, so the two always agree within one scrape.
 */
public final class Histogram {
  private final String name;
  private final String help;
  private final List<String> labelNames;
  private final double[] bounds;
  private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

  Histogram(String name, String help, double[] bounds, List<String> labelNames) {
    if (labelNames.contains("le")) {
      throw new IllegalArgumentException(name + ": \"le\" is reserved for histogram buckets");
    }
    if (bounds.length == 0) {
      throw new IllegalArgumentException(name + ": a histogram needs at least one bucket");
    }
    for (int i = 0; i < bounds.length; i++) {
      if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException(
            name + ": bucket bounds must be finite and strictly increasing");
      }
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.bounds = bounds.clone();
    if (labelNames.isEmpty()) {
      series.put(List.of(), new Series(bounds.length));
    }
  }

  public void observe(double value, String... labelValues) {
    Series s =
        series.computeIfAbsent(
            Names.values(name, labelNames, labelValues), k -> new Series(bounds.length));
    int bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) {
      bucket++;
    }
    s.buckets[bucket].increment();
    s.sum.add(value);
  }

  /** Observes a duration in seconds, the base unit Prometheus names use. */
  public void observe(Duration duration, String... labelValues) {
    observe(duration.toNanos() / 1e9, labelValues);
  }

  /** Observations so far in the series (all buckets). */
  public long count(String... labelValues) {
    Series s = series.get(Names.values(name, labelNames, labelValues));
    if (s == null) {
      return 0;
    }
    long total = 0;
    for (LongAdder bucket : s.buckets) {
      total += bucket.sum();
    }
    return total;
  }

  Family collect() {
    List<Sample> samples = new ArrayList<>();
    List<String> bucketLabels = new ArrayList<>(labelNames);
    bucketLabels.add("le");
    series.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Counter::compareValues))
        .forEach(
            e -> {
              List<String> values = e.getKey();
              Series s = e.getValue();
              double sum = s.sum.sum();
              long cumulative = 0;
              for (int i = 0; i <= bounds.length; i++) {
                cumulative += s.buckets[i].sum();
                List<String> bucketValues = new ArrayList<>(values);
                bucketValues.add(i < bounds.length ? PrometheusText.number(bounds[i]) : "+Inf");
                samples.add(new Sample(name + "_bucket", bucketLabels, bucketValues, cumulative));
              }
              samples.add(new Sample(name + "_sum", labelNames, values, sum));
              samples.add(new Sample(name + "_count", labelNames, values, cumulative));
            });
    return new Family(name, help, "histogram", samples);
  }

  private static final class Series {
    final LongAdder[] buckets;
    final DoubleAdder sum = new DoubleAdder();

    Series(int bounds) {
      buckets = new LongAdder[bounds + 1];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }
  }
}
