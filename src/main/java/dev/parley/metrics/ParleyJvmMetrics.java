package dev.parley.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The JVM figures on {@code /metrics}: the client library's standard set ({@code jvm_*}, {@code
 * process_*}) and the six {@code parley_jvm_*} names Parley documented before it used the library
 * (heap used and maximum, live threads, garbage collections and their time summed over collectors,
 * uptime). The library has no series under those names or with those meanings (its GC time is a
 * summary per collector, its heap a gauge per area), so they stay, read from {@code
 * java.lang.management} at each scrape (cheap, non-blocking reads).
 */
final class ParleyJvmMetrics {
  private ParleyJvmMetrics() {}

  static void register(MetricRegistry registry) {
    JvmMetrics.builder().register(registry.prometheus());
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    registry.gauge(
        "parley_jvm_heap_used_bytes",
        "Heap memory in use, in bytes.",
        () -> memory.getHeapMemoryUsage().getUsed());
    registry.gauge(
        "parley_jvm_heap_max_bytes",
        "Largest heap the JVM may use, in bytes (-1 if undefined).",
        () -> memory.getHeapMemoryUsage().getMax());
    registry.gauge("parley_jvm_threads", "Live JVM threads.", threads::getThreadCount);
    registry.counterFunction(
        "parley_jvm_gc_collections_total",
        "Garbage collections since start, all collectors.",
        () -> collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionCount())).sum());
    registry.counterFunction(
        "parley_jvm_gc_seconds_total",
        "Time spent in garbage collection since start, all collectors, in seconds.",
        () ->
            collectors.stream().mapToLong(c -> Math.max(0, c.getCollectionTime())).sum() / 1000.0);
    registry.gauge(
        "parley_jvm_uptime_seconds",
        "Time since the JVM started, in seconds.",
        () -> runtime.getUptime() / 1000.0);
  }
}
