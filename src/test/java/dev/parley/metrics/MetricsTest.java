package dev.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node publishes every metric docs/operations.md lists, with its type and help, from the first
 * scrape; histograms are cumulative with {@code +Inf}, {@code _count} and {@code _sum}; label
 * values are escaped; counts are exact under concurrency; the library's JVM metrics come along.
 */
class MetricsTest {

  @Test
  void everyDocumentedMetricIsThereWithItsTypeFromTheFirstScrape() {
    Metrics metrics = Metrics.create();
    metrics.unverifiedBytes(() -> 0);
    metrics.sharding(() -> 1, () -> 0);
    String text = metrics.registry().text();
    Map<String, String> types =
        Map.ofEntries(
            Map.entry("parley_webhooks_total", "counter"),
            Map.entry("parley_webhook_refusals_total", "counter"),
            Map.entry("parley_webhook_unverified_bytes", "gauge"),
            Map.entry("parley_receipts_total", "counter"),
            Map.entry("parley_turns_total", "counter"),
            Map.entry("parley_turn_failures_total", "counter"),
            Map.entry("parley_turn_seconds", "histogram"),
            Map.entry("parley_model_seconds", "histogram"),
            Map.entry("parley_model_errors_total", "counter"),
            Map.entry("parley_tool_calls_total", "counter"),
            Map.entry("parley_tool_call_seconds", "histogram"),
            Map.entry("parley_deliveries_total", "counter"),
            Map.entry("parley_delivery_retries_total", "counter"),
            Map.entry("parley_inbox_depth", "gauge"),
            Map.entry("parley_live_entities", "gauge"),
            Map.entry("parley_shards", "gauge"),
            Map.entry("parley_jvm_heap_used_bytes", "gauge"),
            Map.entry("parley_jvm_heap_max_bytes", "gauge"),
            Map.entry("parley_jvm_threads", "gauge"),
            Map.entry("parley_jvm_gc_collections_total", "counter"),
            Map.entry("parley_jvm_gc_seconds_total", "counter"),
            Map.entry("parley_jvm_uptime_seconds", "gauge"));
    types.forEach(
        (name, type) -> {
          assertTrue(text.contains("\n# HELP " + name + " "), name + " has no help in\n" + text);
          assertTrue(text.contains("# TYPE " + name + " " + type + "\n"), name + " in\n" + text);
        });
    for (String reason : Metrics.REFUSAL_REASONS) {
      String series = "parley_webhook_refusals_total{channel=\"wa\",reason=\"" + reason + "\"}";
      assertEquals(0, Samples.value(text, series), series);
    }
    for (String outcome : List.of("accepted", "duplicate", "rejected")) {
      assertEquals(0, Samples.value(text, "parley_receipts_total{outcome=\"" + outcome + "\"}"));
    }
    assertEquals(0, Samples.value(text, "parley_turns_total{outcome=\"failed\"}"));
    assertEquals(0, Samples.value(text, "parley_turn_seconds_count"));
    assertEquals(1, Samples.value(text, "parley_shards"));
  }

  @Test
  void mcpServerUpIsOneOrZeroPerServer() {
    Metrics metrics = Metrics.create();
    Map<String, Boolean> up = new java.util.concurrent.ConcurrentHashMap<>();
    up.put("files", true);
    up.put("search", false);
    metrics.mcpServers(() -> Map.copyOf(up));
    String text = metrics.registry().text();
    assertTrue(text.contains("# TYPE parley_mcp_server_up gauge\n"), text);
    assertEquals(1, Samples.value(text, "parley_mcp_server_up{server=\"files\"}"));
    assertEquals(0, Samples.value(text, "parley_mcp_server_up{server=\"search\"}"));
    up.put("search", true);
    assertEquals(
        1, Samples.value(metrics.registry().text(), "parley_mcp_server_up{server=\"search\"}"));
  }

  @Test
  void theLibrarysJvmMetricsComeAlong() {
    String text = Metrics.create().registry().text();
    for (String name :
        List.of(
            "jvm_memory_used_bytes gauge",
            "jvm_threads_current gauge",
            "jvm_gc_collection_seconds summary",
            "process_cpu_seconds_total counter")) {
      assertTrue(text.contains("# TYPE " + name + "\n"), name + " missing in\n" + text);
    }
  }

  @Test
  void histogramIsCumulativeWithInfCountAndSum() {
    Metrics metrics = Metrics.create();
    metrics.modelAnswered(Duration.ofMillis(30));
    metrics.modelAnswered(Duration.ofMillis(100)); // on a bound: counts there (le is "<=")
    metrics.modelFailed(Duration.ofSeconds(2), "timeout");
    metrics.modelAnswered(Duration.ofSeconds(200));
    String text = metrics.registry().text();
    assertEquals(1, Samples.value(text, "parley_model_seconds_bucket{le=\"0.05\"}"));
    assertEquals(2, Samples.value(text, "parley_model_seconds_bucket{le=\"0.1\"}"));
    assertEquals(3, Samples.value(text, "parley_model_seconds_bucket{le=\"2.0\"}"));
    assertEquals(3, Samples.value(text, "parley_model_seconds_bucket{le=\"120.0\"}"));
    assertEquals(4, Samples.value(text, "parley_model_seconds_bucket{le=\"+Inf\"}"));
    assertEquals(4, Samples.value(text, "parley_model_seconds_count"));
    assertEquals(202.13, Samples.value(text, "parley_model_seconds_sum"), 1e-9);
    assertEquals(1, Samples.value(text, "parley_model_errors_total{code=\"timeout\"}"));
  }

  @Test
  void labelValuesAreEscaped() {
    Metrics metrics = Metrics.create();
    metrics.toolCall("a\\b\"c\nd", "builtin", "ok", Optional.empty());
    String text = metrics.registry().text();
    assertEquals(
        1,
        Samples.value(
            text,
            "parley_tool_calls_total{outcome=\"ok\",source=\"builtin\",tool=\"a\\\\b\\\"c\\nd\"}"));
  }

  @Test
  void toolCallsAreCountedBySourceAndOnlyCallsThatRanAreTimed() {
    Metrics metrics = Metrics.create();
    metrics.toolCall("calculator", "builtin", "ok", Optional.of(Duration.ofMillis(3)));
    metrics.toolCall("calculator", "builtin", "ok", Optional.of(Duration.ofMillis(10)));
    metrics.toolCall("calculator", "builtin", "bad-arguments", Optional.empty());
    metrics.toolCall("shop", "http", "timeout", Optional.of(Duration.ofSeconds(10)));
    metrics.toolCall("unknown", "unknown", "unknown-tool", Optional.empty());
    String text = metrics.registry().text();
    String calc = "tool=\"calculator\"";
    assertEquals(
        2,
        Samples.value(
            text, "parley_tool_calls_total{outcome=\"ok\",source=\"builtin\"," + calc + "}"));
    assertEquals(
        1,
        Samples.value(
            text,
            "parley_tool_calls_total{outcome=\"bad-arguments\",source=\"builtin\"," + calc + "}"));
    assertEquals(
        1,
        Samples.value(
            text,
            "parley_tool_calls_total{outcome=\"unknown-tool\",source=\"unknown\",tool=\"unknown\"}"));
    String calcSeconds = "parley_tool_call_seconds_bucket{source=\"builtin\"," + calc + ",le=";
    assertEquals(1, Samples.value(text, calcSeconds + "\"0.005\"}"));
    assertEquals(2, Samples.value(text, calcSeconds + "\"0.01\"}"));
    assertEquals(2, Samples.value(text, calcSeconds + "\"+Inf\"}"));
    assertEquals(
        2, Samples.value(text, "parley_tool_call_seconds_count{source=\"builtin\"," + calc + "}"));
    assertEquals(
        0.013,
        Samples.value(text, "parley_tool_call_seconds_sum{source=\"builtin\"," + calc + "}"),
        1e-9);
    String shop = "parley_tool_call_seconds_bucket{source=\"http\",tool=\"shop\",le=";
    assertEquals(0, Samples.value(text, shop + "\"5.0\"}"));
    assertEquals(1, Samples.value(text, shop + "\"10.0\"}"));
    assertEquals(1, Samples.value(text, shop + "\"60.0\"}"));
    assertTrue(
        text.lines()
            .noneMatch(l -> l.startsWith("parley_tool_call_seconds_count{source=\"unknown\"")),
        text);
  }

  @Test
  void countsEveryEventFromManyThreads() throws Exception {
    Metrics metrics = Metrics.create();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CompletableFuture<?>[] runs = new CompletableFuture<?>[4];
      for (int t = 0; t < runs.length; t++) {
        runs[t] =
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    metrics.webhook("tg", i % 2 == 0 ? "accepted" : "duplicate");
                    metrics.turnCompleted(Duration.ofMillis(500));
                    metrics.inboxDepthChanged(i % 2 == 0 ? 1 : -1);
                  }
                },
                pool);
      }
      CompletableFuture.allOf(runs).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    String text = metrics.registry().text();
    assertEquals(
        20_000, Samples.value(text, "parley_webhooks_total{channel=\"tg\",outcome=\"accepted\"}"));
    assertEquals(
        20_000, Samples.value(text, "parley_webhooks_total{channel=\"tg\",outcome=\"duplicate\"}"));
    assertEquals(40_000, Samples.value(text, "parley_turns_total{outcome=\"completed\"}"));
    assertEquals(40_000, Samples.value(text, "parley_turn_seconds_count"));
    assertEquals(0, Samples.value(text, "parley_inbox_depth"));
  }
}
