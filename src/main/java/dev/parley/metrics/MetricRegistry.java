package dev.parley.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The metrics of one node, by unique name, in registration order, and their exposition. Counters
 * and histograms count as events happen; gauges (and counters kept elsewhere, such as the JVM's GC
 * counts) are suppliers read at each scrape, so they must be cheap and must not block. Values that
 * need an actor's answer are refreshed before a scrape by {@link #beforeScrape} hooks, each bounded
 * by its own timeout.
 */
public final class MetricRegistry {
  private final Map<String, Supplier<Family>> metrics = new LinkedHashMap<>();
  private final List<Supplier<CompletionStage<?>>> refreshers = new CopyOnWriteArrayList<>();

  public Counter counter(String name, String help, String... labelNames) {
    Counter counter = new Counter(Names.metric(name), help, Names.labels(labelNames));
    register(name, counter::collect);
    return counter;
  }

  /** A histogram with the given bucket upper bounds (strictly increasing; {@code +Inf} implied). */
  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    Histogram histogram =
        new Histogram(Names.metric(name), help, buckets, Names.labels(labelNames));
    register(name, histogram::collect);
    return histogram;
  }

  /** A value that goes up and down, read from {@code value} at each scrape. */
  public void gauge(String name, String help, DoubleSupplier value) {
    sampled(name, help, "gauge", value);
  }

  /** A monotonic count kept elsewhere (e.g. by the JVM), read from {@code value} at each scrape. */
  public void counterFunction(String name, String help, DoubleSupplier value) {
    sampled(name, help, "counter", value);
  }

  /**
   * Runs {@code refresh} before each scrape and waits for it; it must complete (normally or not)
   * within a short timeout of its own, and must never block the calling thread.
   */
  public void beforeScrape(Supplier<CompletionStage<?>> refresh) {
    refreshers.add(refresh);
  }

  /** The exposition after the {@link #beforeScrape} hooks have run; never fails for a hook. */
  public CompletionStage<String> scrape() {
    CompletableFuture<?>[] running =
        refreshers.stream()
            .map(r -> r.get().toCompletableFuture().exceptionally(e -> null))
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(running).thenApply(done -> text());
  }

  /** The exposition of the values as they are now. */
  public String text() {
    List<Supplier<Family>> collectors;
    synchronized (metrics) {
      collectors = new ArrayList<>(metrics.values());
    }
    List<Family> families = new ArrayList<>(collectors.size());
    for (Supplier<Family> collector : collectors) {
      families.add(collector.get());
    }
    return PrometheusText.write(families);
  }

  private void sampled(String name, String help, String type, DoubleSupplier value) {
    String checked = Names.metric(name);
    register(
        checked,
        () ->
            new Family(
                checked,
                help,
                type,
                List.of(new Sample(checked, List.of(), List.of(), value.getAsDouble()))));
  }

  private void register(String name, Supplier<Family> collector) {
    synchronized (metrics) {
      if (metrics.putIfAbsent(name, collector) != null) {
        throw new IllegalArgumentException("metric " + name + " is already registered");
      }
    }
  }
}
