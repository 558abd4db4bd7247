package dev.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The node's registry is scraped in the Prometheus text format 0.0.4 by the client library's
 * writer, after the refresh hooks have run (a failing one does not fail the scrape); a labelled
 * counter without series yet still shows its HELP and TYPE lines.
 */
class MetricRegistryTest {

  @Test
  void contentTypeIsTextFormat004() {
    assertEquals("text/plain; version=0.0.4; charset=utf-8", MetricRegistry.CONTENT_TYPE);
  }

  @Test
  void labelledCounterWithoutSeriesStillHasHelpAndType() {
    MetricRegistry registry = new MetricRegistry();
    Counter c =
        Counter.builder()
            .name("parley_things_total")
            .help("Things seen.\nback\\slash")
            .labelNames("channel", "outcome")
            .register(registry.prometheus());
    assertEquals(
        "# HELP parley_things_total Things seen.\\nback\\\\slash\n"
            + "# TYPE parley_things_total counter\n",
        registry.text());
    c.labelValues("tg", "accepted").inc(2);
    assertEquals(
        "# HELP parley_things_total Things seen.\\nback\\\\slash\n"
            + "# TYPE parley_things_total counter\n"
            + "parley_things_total{channel=\"tg\",outcome=\"accepted\"} 2.0\n",
        registry.text());
  }

  @Test
  void labelledHistogramWithoutSeriesStillHasHelpAndType() {
    MetricRegistry registry = new MetricRegistry();
    Histogram h =
        Histogram.builder()
            .name("parley_waits_seconds")
            .help("Waits.")
            .labelNames("kind")
            .classicOnly()
            .classicUpperBounds(1)
            .register(registry.prometheus());
    assertEquals(
        "# HELP parley_waits_seconds Waits.\n# TYPE parley_waits_seconds histogram\n",
        registry.text());
    h.labelValues("a").observe(0.5);
    assertTrue(
        registry.text().contains("parley_waits_seconds_bucket{kind=\"a\",le=\"1.0\"} 1\n"),
        registry.text());
  }

  @Test
  void familiesWithAndWithoutSeriesKeepTheirNameOrder() {
    MetricRegistry registry = new MetricRegistry();
    registry.gauge("parley_b", "B.", () -> 1);
    registry.counterFunction("parley_a_total", "A.", () -> 2);
    Counter.builder()
        .name("parley_c_total")
        .help("C.")
        .labelNames("k")
        .register(registry.prometheus());
    registry.gauge("parley_d", "D.", () -> -2);
    assertEquals(
        """
        # HELP parley_a_total A.
        # TYPE parley_a_total counter
        parley_a_total 2.0
        # HELP parley_b B.
        # TYPE parley_b gauge
        parley_b 1.0
        # HELP parley_c_total C.
        # TYPE parley_c_total counter
        # HELP parley_d D.
        # TYPE parley_d gauge
        parley_d -2.0
        """,
        registry.text());
  }

  @Test
  void gaugesAreReadAtEachScrape() {
    MetricRegistry registry = new MetricRegistry();
    AtomicLong depth = new AtomicLong(3);
    registry.gauge("parley_depth", "D.", depth::get);
    assertTrue(registry.text().contains("parley_depth 3.0\n"));
    depth.set(-2);
    assertTrue(registry.text().contains("parley_depth -2.0\n"), registry.text());
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
    assertTrue(text.contains("parley_s 7.0\n"), text);
  }
}
