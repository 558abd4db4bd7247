package dev.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The registry writes the Prometheus text format 0.0.4 exactly: HELP and TYPE lines, label
 * escaping, cumulative histogram buckets with {@code le="+Inf"}, {@code _sum} and {@code _count};
 * it refuses names and labels Prometheus would reject, and counts correctly from many threads.
 */
class MetricRegistryTest {

  @Test
  void counterWithLabelsHasHelpTypeAndOneLinePerSeries() {
    MetricRegistry registry = new MetricRegistry();
    Counter c = registry.counter("parley_things_total", "Things seen.", "channel", "outcome");
    c.inc("tg", "accepted");
    c.inc("tg", "accepted");
    c.add(5, "api", "duplicate");
    assertEquals(
        """
        # HELP parley_things_total Things seen.
        # TYPE parley_things_total counter
        parley_things_total{channel="api",outcome="duplicate"} 5
        parley_things_total{channel="tg",outcome="accepted"} 2
        """,
        registry.text());
  }

  @Test
  void counterWithoutLabelsStartsAtZero() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("parley_x_total", "X.");
    assertEquals(
        "# HELP parley_x_total X.\n# TYPE parley_x_total counter\nparley_x_total 0\n",
        registry.text());
  }

  @Test
  void labelValuesAreEscaped() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("parley_e_total", "E.", "v").inc("a\\b\"c\nd");
    assertTrue(
        registry.text().contains("parley_e_total{v=\"a\\\\b\\\"c\\nd\"} 1\n"), registry.text());
  }

  @Test
  void helpTextIsEscaped() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("parley_g", "line one\nback\\slash \"quoted\"", () -> 1.5);
    assertEquals(
        "# HELP parley_g line one\\nback\\\\slash \"quoted\"\n# TYPE parley_g gauge\nparley_g 1.5\n",
        registry.text());
  }

  @Test
  void histogramIsCumulativeWithInfSumAndCount() {
    MetricRegistry registry = new MetricRegistry();
    Histogram h = registry.histogram("parley_t_seconds", "T.", new double[] {0.1, 1, 2.5});
    h.observe(0.05);
    h.observe(0.1); // on a bound: counts in that bucket (le is "less or equal")
    h.observe(Duration.ofMillis(2000));
    h.observe(7);
    assertEquals(
        """
        # HELP parley_t_seconds T.
        # TYPE parley_t_seconds histogram
        parley_t_seconds_bucket{le="0.1"} 2
        parley_t_seconds_bucket{le="1"} 2
        parley_t_seconds_bucket{le="2.5"} 3
        parley_t_seconds_bucket{le="+Inf"} 4
        parley_t_seconds_sum 9.15
        parley_t_seconds_count 4
        """,
        registry.text());
  }

  @Test
  void labelledHistogramPutsLeLast() {
    MetricRegistry registry = new MetricRegistry();
    registry.histogram("parley_h", "H.", new double[] {1}, "tool").observe(0.5, "calc");
    String text = registry.text();
    assertTrue(text.contains("parley_h_bucket{tool=\"calc\",le=\"1\"} 1\n"), text);
    assertTrue(text.contains("parley_h_bucket{tool=\"calc\",le=\"+Inf\"} 1\n"), text);
    assertTrue(text.contains("parley_h_count{tool=\"calc\"} 1\n"), text);
  }

  @Test
  void gaugesAreReadAtEachScrapeAndSpecialValuesAreSpelledOut() {
    MetricRegistry registry = new MetricRegistry();
    AtomicLong depth = new AtomicLong(3);
    registry.gauge("parley_depth", "D.", depth::get);
    registry.gauge("parley_nan", "N.", () -> Double.NaN);
    registry.gauge("parley_inf", "I.", () -> Double.NEGATIVE_INFINITY);
    assertTrue(registry.text().contains("parley_depth 3\n"));
    depth.set(-2);
    String text = registry.text();
    assertTrue(text.contains("parley_depth -2\n"), text);
    assertTrue(text.contains("parley_nan NaN\n"), text);
    assertTrue(text.contains("parley_inf -Inf\n"), text);
  }

  @Test
  void familiesComeInRegistrationOrder() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("parley_b", "B.", () -> 1);
    registry.counterFunction("parley_a_total", "A.", () -> 2);
    String text = registry.text();
    assertTrue(text.indexOf("parley_b") < text.indexOf("parley_a_total"), text);
    assertTrue(text.contains("# TYPE parley_a_total counter\nparley_a_total 2\n"), text);
  }

  @Test
  void refusesWhatPrometheusWouldReject() {
    MetricRegistry registry = new MetricRegistry();
    assertThrows(IllegalArgumentException.class, () -> registry.counter("9lives", "x"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("a-b", "x"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("ok", "x", "__reserved"));
    assertThrows(IllegalArgumentException.class, () -> registry.counter("ok", "x", "a", "a"));
    assertThrows(
        IllegalArgumentException.class, () -> registry.histogram("h", "x", new double[] {1}, "le"));
    assertThrows(
        IllegalArgumentException.class, () -> registry.histogram("h", "x", new double[] {2, 1}));
    registry.counter("parley_once_total", "x", "a");
    assertThrows(
        IllegalArgumentException.class, () -> registry.counter("parley_once_total", "x", "a"));
    Counter c = registry.counter("parley_c_total", "x", "a");
    assertThrows(IllegalArgumentException.class, () -> c.inc());
    assertThrows(IllegalArgumentException.class, () -> c.inc("1", "2"));
    assertThrows(IllegalArgumentException.class, () -> c.add(-1, "1"));
  }

  @Test
  void countsEveryIncrementFromManyThreads() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    Counter c = registry.counter("parley_n_total", "N.", "k");
    Histogram h = registry.histogram("parley_n_seconds", "N.", new double[] {1});
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CompletableFuture<?>[] runs = new CompletableFuture<?>[4];
      for (int t = 0; t < runs.length; t++) {
        runs[t] =
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    c.inc(i % 2 == 0 ? "even" : "odd");
                    h.observe(0.5);
                  }
                },
                pool);
      }
      CompletableFuture.allOf(runs).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(20_000, c.value("even"));
    assertEquals(20_000, c.value("odd"));
    assertEquals(40_000, h.count());
  }

  @Test
  void scrapeWaitsForRefreshersAndSurvivesAFailingOne() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    AtomicLong shards = new AtomicLong();
    registry.gauge("parley_s", "S.", shards::get);
    registry.beforeScrape(
        () ->
            CompletableFuture.runAsync(
                () -> shards.set(7), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)));
    registry.beforeScrape(() -> CompletableFuture.failedFuture(new IllegalStateException("no")));
    String text = registry.scrape().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(text.contains("parley_s 7\n"), text);
  }
}
