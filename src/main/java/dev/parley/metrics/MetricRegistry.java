package dev.parley.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The node's Prometheus registry (the official Java client's, one per node, never the library's
 * global default) and how it is scraped: values that need an actor's answer are refreshed first by
 * {@link #beforeScrape} hooks, each bounded by its own timeout, then the registry is written in the
 * Prometheus text format 0.0.4 by the client's own writer.
 */
public final class MetricRegistry {
  /** The Content-Type of the exposition. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final List<Supplier<CompletionStage<?>>> refreshers = new CopyOnWriteArrayList<>();

  /** Where the metrics of this package register. */
  PrometheusRegistry prometheus() {
    return prometheus;
  }

  /** A value that goes up and down, read from {@code value} at each scrape. */
  void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(callback -> callback.call(value.getAsDouble()))
        .register(prometheus);
  }

  /**
   * A value per value of the one label {@code label}, read from {@code values} at each scrape; a
   * label value that is absent at a scrape has no series in it.
   */
  void gauge(String name, String help, String label, Supplier<Map<String, Double>> values) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(label)
        .callback(callback -> values.get().forEach((value, v) -> callback.call(v, value)))
        .register(prometheus);
  }

  /** A monotonic count kept elsewhere (e.g. by the JVM), read from {@code value} at each scrape. */
  void counterFunction(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(callback -> callback.call(value.getAsDouble()))
        .register(prometheus);
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

  /**
   * The exposition of the values as they are now. The client's writer leaves out a metric that has
   * no series yet; for a labelled counter or histogram before its first event (a model error, a
   * tool call) we still write its {@code # HELP} and {@code # TYPE} lines, as Parley always has for
   * counters, so that every documented name is there from the first scrape.
   */
  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
    List<MetricSnapshot> batch = new ArrayList<>();
    try {
      for (MetricSnapshot snapshot : prometheus.scrape()) {
        String type = typeOf(snapshot);
        if (snapshot.getDataPoints().isEmpty() && type != null) {
          WRITER.write(out, new MetricSnapshots(batch));
          batch.clear();
          out.write(withoutSeries(snapshot.getMetadata(), type).getBytes(StandardCharsets.UTF_8));
        } else {
          batch.add(snapshot);
        }
      }
      WRITER.write(out, new MetricSnapshots(batch));
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The text format's type of a metric we write without series, or null for the others. */
  private static String typeOf(MetricSnapshot snapshot) {
    if (snapshot instanceof CounterSnapshot) {
      return "counter";
    }
    // Only classic histograms are written in format 0.0.4, and Parley registers only those.
    return snapshot instanceof HistogramSnapshot ? "histogram" : null;
  }

  private static String withoutSeries(MetricMetadata metadata, String type) {
    String name = metadata.getPrometheusName();
    if (type.equals("counter") && !name.endsWith("_total")) {
      name = name + "_total";
    }
    String help =
        metadata.getHelp() == null
            ? ""
            : "# HELP "
                + name
                + " "
                + metadata.getHelp().replace("\\", "\\\\").replace("\n", "\\n")
                + "\n";
    return help + "# TYPE " + name + " " + type + "\n";
  }
}
